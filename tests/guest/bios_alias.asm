; bios_alias — a 128 KiB -bios image that checks how the firmware ROM and low RAM
; are mapped on a PC:
;   * the ROM sits just below 4 GiB (FFFE0000h..FFFFFFFFh for 128 KiB) and its last
;     128 KiB are aliased just below 1 MiB (E0000h..FFFFFh), so E000:xxxx and F000:xxxx
;     in real mode read the same bytes as FFFE0000h+ in protected mode;
;   * both views are read-only: writes are dropped;
;   * RAM at 0h, 7C00h and 90000h is writable and reads back.
; The low 64 KiB of the image hold a data pattern and a signature, the high 64 KiB
; hold this code and the reset vector.  Every check prints one line to port 0xE9.

%include "lib.inc"

%define IMAGE_SIZE   0x20000
%define HIGH_BASE    (0x100000000 - IMAGE_SIZE)    ; FFFE0000h
%define LOW_ALIAS    (0x100000 - IMAGE_SIZE)       ; E0000h
%define SUM_SLOT     0x6000                        ; RAM scratch: real-mode byte sum

; ---------------------------------------------------------------- low 64 KiB: data
    section low start=0 vstart=0
low_sig:    db "RX86LOW!"
%assign i 0
%rep 4096
    db (i * 37 + 11) & 0xFF     ; a pattern with no period of 2, 4 or 256 bytes
%assign i i + 1
%endrep
    times 0x10000 - ($ - $$) db 0xA5

; --------------------------------------------------------------- high 64 KiB: code
    section high start=0x10000 vstart=0
    bits 16

; CHECK cond, message — print message + "ok" when the flags say `cond`, else fail.
%macro CHECK16 2
    j%-1 fail16
    PUTS16 %2
%endmacro
%macro CHECK32 2
    j%-1 fail32
    PUTS32 ROM_ALIAS_BASE + %2
%endmacro

start:
    ROM_PROLOGUE

    ; --- real mode: the alias below 1 MiB -------------------------------------
    mov ax, 0xE000
    mov es, ax
    cmp dword [es:0], 'RX86'
    CHECK16 e, msg_rm_lowsig
    cmp byte [0xFFF0], 0xEA     ; F000:FFF0 holds our far jump (opcode EA)
    CHECK16 e, msg_rm_reset

    xor ebx, ebx                ; byte sum of E000:0..FFFF and F000:0..FFFF
    call sum_es
    mov ax, 0xF000
    mov es, ax
    call sum_es
    xor ax, ax
    mov es, ax
    mov [es:SUM_SLOT], ebx

    ; ROM writes are ignored, in both halves of the alias.
    mov byte [rom_sig], 'X'
    mov word [rom_sig + 2], 0x0000
    cmp dword [rom_sig], 'RX86'
    CHECK16 e, msg_rm_wr_high
    mov ax, 0xE000
    mov es, ax
    mov dword [es:4], 0
    cmp dword [es:4], 'LOW!'
    CHECK16 e, msg_rm_wr_low

    ; RAM at 0000:0000, 07C0:0000 (7C00h) and 9000:0000 (90000h).
    xor ax, ax
    call ram_check_seg
    CHECK16 e, msg_rm_ram0
    mov ax, 0x07C0
    call ram_check_seg
    CHECK16 e, msg_rm_ram7c00
    mov ax, 0x9000
    call ram_check_seg
    CHECK16 e, msg_rm_ram90000

    ; --- enter 32-bit protected mode ----------------------------------------------
    ENTER_PM32 ROM_ALIAS_BASE + pm32

fail16:
    PUTS16 msg_fail
    EXIT EXIT_FAIL

; sum_es — EBX += sum of the 65536 bytes at ES:0000..FFFF.
sum_es:
    xor si, si
    xor eax, eax
.next:
    mov al, [es:si]
    add ebx, eax
    inc si
    jnz .next
    ret

; ram_check_seg — AX = segment; write two complementary dwords at AX:0 and read
; them back.  Returns ZF = 1 when both read back.
ram_check_seg:
    push es
    mov es, ax
    mov dword [es:0], 0x55AA33CC
    cmp dword [es:0], 0x55AA33CC
    jne .out
    mov dword [es:0], 0xAA55CC33
    cmp dword [es:0], 0xAA55CC33
.out:
    pop es
    ret

    EMIT_DBG16

    bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    PUTS32 ROM_ALIAS_BASE + msg_pm

    ; The two views of the whole image are byte-for-byte equal.
    mov esi, LOW_ALIAS
    mov edi, HIGH_BASE
    mov ecx, IMAGE_SIZE / 4
    repe cmpsd
    CHECK32 e, msg_pm_cmp

    ; The byte sum through FFFE0000h matches the real-mode sum through E000/F000.
    mov esi, HIGH_BASE
    mov ecx, IMAGE_SIZE
    xor ebx, ebx
    xor eax, eax
.sum:
    mov al, [esi]
    add ebx, eax
    inc esi
    loop .sum
    cmp ebx, [SUM_SLOT]
    CHECK32 e, msg_pm_sum

    cmp byte [0xFFFFFFF0], 0xEA
    CHECK32 e, msg_pm_reset
    cmp dword [HIGH_BASE], 'RX86'
    CHECK32 e, msg_pm_lowsig

    ; Writes to the high ROM and to the alias are dropped.
    mov dword [HIGH_BASE + 0x10000 + rom_sig], 0x12345678
    cmp dword [HIGH_BASE + 0x10000 + rom_sig], 'RX86'
    CHECK32 e, msg_pm_wr_high
    mov dword [ROM_ALIAS_BASE + rom_sig + 4], 0x12345678
    cmp dword [ROM_ALIAS_BASE + rom_sig + 4], 'ROM!'
    CHECK32 e, msg_pm_wr_alias
    mov dword [LOW_ALIAS + 4], 0x12345678
    cmp dword [HIGH_BASE + 4], 'LOW!'
    CHECK32 e, msg_pm_wr_low

    ; RAM written in real mode through a segment is the same RAM here.
    cmp dword [0x90000], 0xAA55CC33
    CHECK32 e, msg_pm_ram

    PUTS32 ROM_ALIAS_BASE + msg_pass
    EXIT EXIT_PASS

fail32:
    PUTS32 ROM_ALIAS_BASE + msg_fail
    EXIT EXIT_FAIL

    EMIT_DBG32

rom_sig:         db "RX86ROM!"
msg_rm_lowsig:   db "real mode: E000:0000 holds the image's first bytes: ok", 10, 0
msg_rm_reset:    db "real mode: F000:FFF0 holds the reset jump: ok", 10, 0
msg_rm_wr_high:  db "real mode: writes to F000:xxxx (ROM) are ignored: ok", 10, 0
msg_rm_wr_low:   db "real mode: writes to E000:xxxx (ROM) are ignored: ok", 10, 0
msg_rm_ram0:     db "real mode: RAM at 00000h reads back: ok", 10, 0
msg_rm_ram7c00:  db "real mode: RAM at 07C00h reads back: ok", 10, 0
msg_rm_ram90000: db "real mode: RAM at 90000h reads back: ok", 10, 0
msg_pm:          db "entered 32-bit protected mode", 10, 0
msg_pm_cmp:      db "E0000h..FFFFFh equals FFFE0000h..FFFFFFFFh byte for byte: ok", 10, 0
msg_pm_sum:      db "byte sum through FFFE0000h equals the real-mode sum: ok", 10, 0
msg_pm_reset:    db "FFFFFFF0h holds the reset jump: ok", 10, 0
msg_pm_lowsig:   db "FFFE0000h holds the image's first bytes: ok", 10, 0
msg_pm_wr_high:  db "writes to FFFF0000h+ (ROM) are ignored: ok", 10, 0
msg_pm_wr_alias: db "writes to F0000h+ (ROM alias) are ignored: ok", 10, 0
msg_pm_wr_low:   db "writes to E0000h+ (ROM alias) are ignored: ok", 10, 0
msg_pm_ram:      db "protected mode: 90000h holds what real mode wrote: ok", 10, 0
msg_pass:        db "bios_alias: PASS", 10, 0
msg_fail:        db "FAIL", 10, 0

    RESET_VECTOR start
