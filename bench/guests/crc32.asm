; crc32 — a CPU-bound workload: in 32-bit protected mode, fill BUF_MIB MiB of RAM with
; a pseudo-random pattern, then run a table-driven CRC-32 (the IEEE 802.3 / zlib
; polynomial, reflected: EDB88320h) over it PASSES times, one running CRC over the
; buffer repeated PASSES times.  Prints "crc32 XXXXXXXX" to port 0xE9 and leaves
; with isa-debug-exit 0x10 (status 33); bench/run.py checks both.
;
; Tight integer loops with a byte load, a table load and shifts per byte: the kind
; of code a kernel's decompressor runs, which DESIGN.md says dominates boot time.

%include "lib.inc"

%ifndef BUF_MIB
%define BUF_MIB 4
%endif
%ifndef PASSES
%define PASSES 48
%endif
%define BUF      0x200000           ; the data, from 2 MiB
%define BUF_LEN  (BUF_MIB * 0x100000)
%define TABLE    0x100000           ; 256 dwords of CRC table at 1 MiB

    bits 16
    org 0
start:
    cli
    mov ax, cs
    mov ds, ax
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    ENTER_PM32 ROM_ALIAS_BASE + pm32

    bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    cld

    ; The table: entry n = n shifted through 8 rounds of "shift right, xor the
    ; polynomial if the bit shifted out was 1".
    xor ecx, ecx
.table:
    mov eax, ecx
    mov edx, 8
.round:
    shr eax, 1
    jnc .no_xor
    xor eax, 0xEDB88320
.no_xor:
    dec edx
    jnz .round
    mov [TABLE + ecx * 4], eax
    inc ecx
    cmp ecx, 256
    jb .table

    ; The data: x = x * 1103515245 + 12345 (mod 2^32), one byte (bits 23:16) each.
    mov edi, BUF
    mov ecx, BUF_LEN
    mov ebx, 1
.fill:
    imul ebx, ebx, 1103515245
    add ebx, 12345
    mov eax, ebx
    shr eax, 16
    stosb
    dec ecx
    jnz .fill

    mov eax, 0xFFFFFFFF         ; CRC-32 starts with all ones ...
    mov ebp, PASSES
.pass:
    mov esi, BUF
    mov ecx, BUF_LEN
.byte:
    movzx edx, byte [esi]
    inc esi
    xor dl, al
    shr eax, 8
    xor eax, [TABLE + edx * 4]
    dec ecx
    jnz .byte
    dec ebp
    jnz .pass
    not eax                     ; ... and ends inverted

    PUTS32 ROM_ALIAS_BASE + msg_crc
    call dbg_hex32
    mov al, 10
    call dbg_putc32
    EXIT EXIT_PASS

    EMIT_DBG32

msg_crc: db "crc32 ", 0

    RESET_VECTOR start
