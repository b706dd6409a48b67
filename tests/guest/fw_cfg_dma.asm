; fw_cfg_dma — QEMU's firmware configuration device (docs/specs/fw_cfg.rst) on the
; x86 ports: the selector 0x510 (16-bit writes), the data port 0x511 (bytes), and
; the DMA interface: the physical address of a 16-byte FWCfgDmaAccess (be32
; control, be32 length, be64 address) written big-endian to 0x514 (high half) and
; 0x518 (low half, which starts the transfer); the device writes the control
; word back: 0 when done, bit 0 on an error.
;
;  1. The traditional interface: the signature (key 0, "QEMU"), the ID (key 1,
;     bit 1: DMA), the RAM size and CPU counts, reads past an item's end and of a
;     key with no item (zeros), a 16-bit read of the port (not valid on the I/O
;     interface: QEMU 7.2 returns 0 and keeps the offset), the DMA register's
;     signature ("QEMU CFG" big-endian).
;  2. DMA reads: of the signature and the ID, past the end (zeros), sharing the
;     offset with the port, skip, no operation (select only), a write to a
;     read-only item (the error bit, the item unchanged), bad targets (the ROM,
;     the VGA hole, unclaimed addresses: the error bit, nothing written), a 64-bit
;     descriptor address and the register's reset to 0 after each operation.
;  3. DMA over translated code: a routine in RAM that returns an immediate is
;     called (translated and cached), DMA writes the signature over the immediate,
;     the same call site must return the new value; then four bytes that are whole
;     instructions ("QEMU" = push ecx, inc ebp, dec ebp, push ebp) over four NOPs;
;     then the BIOS shadowed in DRAM (i440FX PAM0 = 30h) gets its function's
;     immediate from DMA; with PAM0 = 00h (the ROM) DMA fails; with 20h
;     (write-only) DMA still writes DRAM.
; Left out: DMA into 0xA0000, which QEMU without a VGA maps as RAM and rx86
; leaves unclaimed.
; fw_cfg_dma_sdm (-DSDM, rx86 only), what QEMU 7.2 gets wrong: a DMA into a
; read-only PAM segment (10h) goes to the PCI side, the ROM, and fails, the DRAM
; unchanged (QEMU writes the DRAM: its DMA ignores the alias's read-only flag);
; a DMA that rewrites the instructions right after the OUT that starts it, with
; a serializing CPUID between: the CPU must run the new bytes (SDM Vol. 3A 9.3;
; QEMU keeps running its stale translation).

%include "cpu_harness.inc"

%define FW_SEL      0x510
%define FW_DATA     0x511
%define FW_DMA_HI   0x514
%define FW_DMA_LO   0x518
%define CTL_ERROR   0x01
%define CTL_READ    0x02
%define CTL_SKIP    0x04
%define CTL_SELECT  0x08
%define CTL_WRITE   0x10

%define DESC        (SCRATCH + 0x000)   ; the FWCfgDmaAccess
%define BUF         (SCRATCH + 0x100)   ; DMA target, 16 bytes
%define CODE        (SCRATCH + 0x1000)  ; routines run from RAM
%define CODE_DESC   (SCRATCH + 0x1800)  ; a descriptor in the code's page
%define CODE2       (SCRATCH + 0x2000)

%define CFG(dev, fn, off) (0x80000000 | ((dev) << 11) | ((fn) << 8) | (off))
%define PAM0        0x59
%define F_FN        (f_fn + 0xF0000 - LOAD_BASE)   ; f_fn in the BIOS alias

%define BE32(x) ((((x) >> 24) & 0xFF) | (((x) >> 8) & 0xFF00) | \
                 (((x) & 0xFF00) << 8) | (((x) & 0xFF) << 24))

; DESCRIBE at, control, length, address — a FWCfgDmaAccess at `at` (constants;
; the address may be relative to a label).  Keeps the registers.
%macro DESCRIBE 4
    push eax
    mov dword [%1], BE32(%2)
    mov dword [%1 + 4], BE32(%3)
    mov dword [%1 + 8], 0
    mov eax, %4
    bswap eax
    mov [%1 + 12], eax
    pop eax
%endmacro

; DMA "label", control, length, address — run one transfer through DESC and
; print its control word as written back.
%macro DMA 4
    DESCRIBE DESC, %2, %3, %4
    mov eax, DESC
    call dma_start
    PUTS %1
    call show_status
%endmacro

; SELECT key — through the selector port.
%macro SELECT 1
    mov ax, %1
    mov dx, FW_SEL
    out dx, ax
%endmacro

; PAM reg, value — an i440FX configuration byte (00:00.0), through 0xCF8/0xCFC.
%macro PAM 2
    push eax
    push edx
    mov eax, CFG(0, 0, (%1) & ~3)
    mov dx, 0xCF8
    out dx, eax
    mov al, %2
    mov dx, 0xCFC + ((%1) & 3)
    out dx, al
    pop edx
    pop eax
%endmacro

test_main:
%ifdef SDM
    call sdm_cases
%else
    call traditional
    call dma_reads
    call dma_code
%endif
    ret

; -- 1. the traditional interface --------------------------------------------------
traditional:
    SAY "-- selector 0x510, data 0x511"
    SELECT 0
    PUTS "key 0:"
    mov ecx, 5
    call port_bytes
    SELECT 0
    PUTS "key 0 as text: "
    mov ecx, 4
.sig:
    mov dx, FW_DATA
    in al, dx
    call dbg_putc32
    loop .sig
    NL
    SELECT 1
    PUTS "key 1 (id):"
    mov ecx, 4
    call port_bytes
    SELECT 3
    PUTS "key 3 (ram size):"
    mov ecx, 8
    call port_bytes
    SELECT 5
    PUTS "key 5 (cpus):"
    mov ecx, 2
    call port_bytes
    SELECT 0x0F
    PUTS "key f (max cpus):"
    mov ecx, 2
    call port_bytes
    SELECT 0x7F
    PUTS "key 7f (none):"
    mov ecx, 4
    call port_bytes
    SELECT 0
    mov dx, FW_SEL                      ; a 16-bit read: not a data access
    in ax, dx
    FIELD "16-bit read at 0x510: ", eax, 4
    PUTS ", then"
    mov ecx, 2
    call port_bytes
    mov dx, FW_DMA_HI
    in eax, dx
    FIELD "dma register: ", eax, 8
    mov dx, FW_DMA_LO
    in eax, dx
    FIELD " ", eax, 8
    NL
    ret

; -- 2. DMA reads and their status --------------------------------------------------
dma_reads:
    SAY "-- dma"
    call clear_buf
    DMA "read key 0, 4 bytes:", (0 << 16) | CTL_SELECT | CTL_READ, 4, BUF
    call show_buf
    DMA "read key 1, 4 bytes:", (1 << 16) | CTL_SELECT | CTL_READ, 4, BUF
    call show_buf
    call clear_buf
    DMA "read key 0, 8 bytes:", (0 << 16) | CTL_SELECT | CTL_READ, 8, BUF
    call show_buf
    call clear_buf
    SELECT 0                            ; one byte by the port, three by DMA
    mov dx, FW_DATA
    in al, dx
    DMA "port then dma, 3 bytes:", CTL_READ, 3, BUF
    call show_buf
    call clear_buf
    DMA "skip 2 of key 0:", (0 << 16) | CTL_SELECT | CTL_SKIP, 2, BUF
    call show_buf
    DMA "then read 2:", CTL_READ, 2, BUF
    call show_buf
    call clear_buf
    DMA "select key 1 only:", (1 << 16) | CTL_SELECT, 4, BUF
    call show_buf
    PUTS "then the port:"
    mov ecx, 1
    call port_bytes
    mov dword [BUF], 'ABCD'
    DMA "write key 0 (read-only):", (0 << 16) | CTL_SELECT | CTL_WRITE, 4, BUF
    SELECT 0
    PUTS "key 0 after:"
    mov ecx, 4
    call port_bytes
    DMA "read into the rom at fffffff0:", (0 << 16) | CTL_SELECT | CTL_READ, 4, 0xFFFFFFF0
    FIELD "rom at fffffff0: ", dword [0xFFFFFFF0], 8
    NL
    DMA "read into unclaimed e0000000:", (0 << 16) | CTL_SELECT | CTL_READ, 4, 0xE0000000
    DMA "read across ram's end at 3fffffe:", (0 << 16) | CTL_SELECT | CTL_READ, 4, 0x3FFFFFE
    ; A 64-bit address: the high half first.  The descriptor at 1_0000_0000 +
    ; DESC is beyond RAM; the register is 0 again after it, so a low half alone
    ; then means DESC.
    DESCRIBE DESC, (0 << 16) | CTL_SELECT | CTL_READ, 4, BUF
    call clear_buf
    mov eax, BE32(1)
    mov dx, FW_DMA_HI
    out dx, eax
    mov eax, DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    PUTS "descriptor at 1_00020000:"
    call show_status
    call show_buf
    mov eax, DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    PUTS "then the low half alone:"
    call show_status
    call show_buf
    ret

; -- 3. DMA over code ------------------------------------------------------------------
dma_code:
    SAY "-- dma over translated code"
    mov esi, imm_fn                     ; mov eax, 11111111h; ret
    mov edi, CODE
    mov ecx, imm_fn_end - imm_fn
    rep movsb
    call call_code
    call call_code
    FIELD "before: ", eax, 8
    NL
    DESCRIBE CODE_DESC, (0 << 16) | CTL_SELECT | CTL_READ, 4, CODE + 1
    mov eax, CODE_DESC
    call dma_start
    PUTS "dma over the immediate:"
    mov eax, [CODE_DESC]
    call status_eax
    call call_code
    FIELD "after: ", eax, 8
    FIELD " data=", dword [CODE + 1], 8
    NL

    mov esi, push_fn                    ; four NOPs, later "QEMU"
    mov edi, CODE2
    mov ecx, push_fn_end - push_fn
    rep movsb
    call call_code2
    call call_code2
    FIELD "bytes pushed, nops: ", eax, 8
    NL
    DMA "dma over the nops:", (0 << 16) | CTL_SELECT | CTL_READ, 4, CODE2 + (push_slot - push_fn)
    call call_code2
    FIELD "bytes pushed, qemu: ", eax, 8
    NL

    SAY "-- dma into the shadowed bios (i440fx pam0)"
    PAM PAM0, 0x30
    mov esi, 0xFFFF0000
    mov edi, 0xF0000
    mov ecx, 0x10000 / 4
    rep movsd
    call call_f
    FIELD "pam 30, copied: ", eax, 8
    NL
    DMA "pam 30 dma:", (0 << 16) | CTL_SELECT | CTL_READ, 4, F_FN + 1
    call call_f
    FIELD "pam 30 after: ", eax, 8
    NL
    PAM PAM0, 0x00
    call call_f
    FIELD "pam 00 (rom): ", eax, 8
    NL
    DMA "pam 00 dma:", (1 << 16) | CTL_SELECT | CTL_READ, 4, F_FN + 1
    call call_f
    FIELD "pam 00 after: ", eax, 8
    NL
    PAM PAM0, 0x20
    DMA "pam 20 (write-only) dma:", (1 << 16) | CTL_SELECT | CTL_READ, 4, F_FN + 1
    PAM PAM0, 0x30
    call call_f
    FIELD "pam 30 after: ", eax, 8
    NL
    PAM PAM0, 0x00
    ret

%ifdef SDM
; -- a DMA over the instructions right after its OUT ----------------------------------
sdm_cases:
    SAY "-- dma into a read-only pam segment: to the pci side (the rom)"
    PAM PAM0, 0x30                      ; the shadow, patched: F000000Bh
    mov esi, 0xFFFF0000
    mov edi, 0xF0000
    mov ecx, 0x10000 / 4
    rep movsd
    mov dword [F_FN + 1], 0xF000000B
    PAM PAM0, 0x10
    call call_f
    FIELD "pam 10 before: ", eax, 8
    NL
    DMA "pam 10 dma:", (1 << 16) | CTL_SELECT | CTL_READ, 4, F_FN + 1
    call call_f
    FIELD "pam 10 after: ", eax, 8
    NL
    PAM PAM0, 0x30
    call call_f
    FIELD "pam 30 after: ", eax, 8
    NL
    PAM PAM0, 0x00

    SAY "-- dma over the code after its own out"
    mov esi, self_fn
    mov edi, CODE
    mov ecx, self_fn_end - self_fn
    rep movsb
    ; First with a descriptor whose control is 0 (no transfer): the function
    ; runs, and is translated, with its old immediate.
    DESCRIBE CODE_DESC, 0, 4, CODE + (self_imm - self_fn)
    call call_code
    FIELD "first run: ", eax, 8
    NL
    ; Then a real transfer over the immediate of that translated code.
    DESCRIBE CODE_DESC, (0 << 16) | CTL_SELECT | CTL_READ, 4, CODE + (self_imm - self_fn)
    call call_code
    FIELD "second run: ", eax, 8
    NL
    ret

; self_fn — (copied to CODE) start a DMA of the signature over its own last
; instruction's immediate, serialize, run that instruction.
self_fn:
    push ebx
    push ecx
    push edx
    mov eax, CODE_DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    xor eax, eax
    cpuid
    db 0xB8                             ; mov eax, imm32
self_imm:
    dd 0x22222222
    pop edx
    pop ecx
    pop ebx
    ret
self_fn_end:
%endif

; -- helpers ---------------------------------------------------------------------------
; dma_start — start the transfer whose descriptor is at EAX (below 4 GiB).
dma_start:
    push eax
    push edx
    push eax
    xor eax, eax
    mov dx, FW_DMA_HI
    out dx, eax
    pop eax
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    pop edx
    pop eax
    ret

; show_status — " status=" and DESC's control word, a newline.
show_status:
    push eax
    mov eax, [DESC]
    call status_eax
    pop eax
    ret

; status_eax — print the big-endian control word in EAX and a newline.
status_eax:
    push eax
    bswap eax
    FIELD " status=", eax, 8
    NL
    pop eax
    ret

; port_bytes — read ECX bytes of the data port and print them, a newline.
port_bytes:
    push eax
    push ecx
    push edx
.next:
    mov dx, FW_DATA
    in al, dx
    PUTS " "
    PHEX eax, 2
    loop .next
    NL
    pop edx
    pop ecx
    pop eax
    ret

; clear_buf / show_buf — BUF's 8 bytes set to EEh / printed.
clear_buf:
    mov dword [BUF], 0xEEEEEEEE
    mov dword [BUF + 4], 0xEEEEEEEE
    ret
show_buf:
    push eax
    push esi
    push ecx
    PUTS "  buf:"
    mov esi, BUF
    mov ecx, 8
.next:
    PUTS " "
    movzx eax, byte [esi]
    PHEX eax, 2
    inc esi
    loop .next
    NL
    pop ecx
    pop esi
    pop eax
    ret

; Routines copied to RAM (CODE, CODE2) and called there, each from one call site.
imm_fn:
    mov eax, 0x11111111
    ret
imm_fn_end:

; push_fn — EAX = the bytes its four-byte slot pushed (0 for NOPs, 8 for
; push ecx, inc ebp, dec ebp, push ebp).
push_fn:
    push ebp
    mov edx, esp
push_slot:
    nop
    nop
    nop
    nop
    mov eax, edx
    sub eax, esp
    mov esp, edx
    pop ebp
    ret
push_fn_end:

call_code:
    call CODE
    ret
call_code2:
    push edx
    call CODE2
    pop edx
    ret

; f_fn — run from the BIOS alias / its DRAM shadow (F_FN).
f_fn:
    mov eax, 0xF000000A
    ret
call_f:
    call F_FN
    ret
