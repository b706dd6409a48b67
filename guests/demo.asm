; demo.asm — the default guest of `make run`: a 64 KiB firmware image that rx86 loads
; with -bios in place of a PC BIOS.  It shows the first steps every PC firmware takes:
;   1. the CPU starts in 16-bit real mode at the reset vector F000:FFF0 (the last
;      16 bytes of this image) and jumps to `start`;
;   2. it programs the 16550 UART of COM1 and prints a banner there (with
;      -nographic the serial port is the terminal);
;   3. it switches to 32-bit protected mode, asks CPUID for the vendor string and
;      runs a sieve of Eratosthenes in RAM, printing the primes;
;   4. it says where to go next and executes `cli; hlt`: with interrupts off the
;      CPU can never wake up again, so rx86 ends the run with exit status 0.
;
; Build: nasm -f bin -o demo.bin demo.asm      Run: rx86 -bios demo.bin -nographic
; Self-contained on purpose, so it can be read top to bottom.

    bits 16
    org 0                       ; offsets in this file = offsets in the image

%define ROM_BASE     0xF0000    ; where the image shows below 1 MiB (F000:0000)
%define COM1         0x3F8      ; 16550 registers (PC16550D datasheet, Table 2)
%define UART_LSR     COM1 + 5   ; line status: bit 5 THRE = ready for a byte
%define SIEVE        0x100000   ; the sieve's byte array, in RAM at 1 MiB
%define SIEVE_LIMIT  10000      ; find the primes below this
%define TRAMPOLINE   0x0500     ; free RAM where the mode switch runs (see below)
%define vendor_buf   0x8000     ; 13 bytes of RAM for the CPUID vendor string

; ------------------------------------------------------------------ real mode
start:
    cli
    cld
    mov ax, cs
    mov ds, ax                  ; our strings are in this ROM: DS = CS = F000h
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000              ; a stack in conventional RAM

    ; COM1 at 115200 baud, 8 data bits, no parity, 1 stop bit: set LCR.DLAB to
    ; reach the divisor latch, divisor 1 (1.8432 MHz / 16 / 115200), then 8N1.
    mov dx, COM1 + 1
    mov al, 0x00                ; IER: no interrupts, we poll
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x80                ; LCR: DLAB = 1
    out dx, al
    mov dx, COM1 + 0
    mov al, 0x01                ; DLL: divisor low byte
    out dx, al
    mov dx, COM1 + 1
    mov al, 0x00                ; DLM: divisor high byte
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                ; LCR: DLAB = 0, 8N1
    out dx, al
    mov dx, COM1 + 2
    mov al, 0x07                ; FCR: enable and clear both FIFOs
    out dx, al
    mov dx, COM1 + 4
    mov al, 0x03                ; MCR: DTR and RTS
    out dx, al

    mov si, banner
    call puts16

    ; Protected mode (Intel SDM Vol. 3A 9.9.1): load a GDT, set CR0.PE, far-jump to
    ; reload CS.  The GDT and those instructions are copied to RAM and run there:
    ; some KVM hosts (nested "kvm_pvm") cannot run that far jump from a ROM.
    xor ax, ax
    mov es, ax
    mov si, switch_code
    mov di, TRAMPOLINE
    mov cx, switch_end - switch_code
    rep movsb
    jmp 0x0000:TRAMPOLINE + (switch_entry - switch_code)

; puts16 — send the NUL-terminated string at DS:SI to COM1.
puts16:
    lodsb
    test al, al
    jz .done
    call putc16
    jmp puts16
.done:
    ret

; putc16 — wait until the transmitter holding register is empty, then send AL.
putc16:
    push dx
    push ax
    mov dx, UART_LSR
.wait:
    in al, dx
    test al, 0x20               ; LSR.THRE
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

    align 8
switch_code:                    ; copied to 0000:TRAMPOLINE
gdt:
    dq 0                        ; 00h: the null descriptor
    dq 0x00CF9A000000FFFF       ; 08h: code, base 0, limit 4 GiB, 32-bit
    dq 0x00CF92000000FFFF       ; 10h: data, base 0, limit 4 GiB
gdtr:
    dw 3 * 8 - 1
    dd TRAMPOLINE               ; the GDT's linear address once copied
switch_entry:
    o32 lgdt [cs:TRAMPOLINE + (gdtr - switch_code)]
    mov eax, cr0
    or al, 1                    ; CR0.PE
    mov cr0, eax
    jmp dword 0x08:ROM_BASE + pm_start
switch_end:

; ------------------------------------------------------------ protected mode
    bits 32
pm_start:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000

    mov esi, ROM_BASE + msg_pm
    call puts32

    ; CPUID leaf 0: the vendor string is in EBX, EDX, ECX (SDM Vol. 2A, CPUID).
    xor eax, eax
    cpuid
    mov [vendor_buf], ebx
    mov [vendor_buf + 4], edx
    mov [vendor_buf + 8], ecx
    mov byte [vendor_buf + 12], 0
    mov esi, ROM_BASE + msg_cpuid
    call puts32
    mov esi, vendor_buf
    call puts32
    mov esi, ROM_BASE + msg_nl
    call puts32

    ; Sieve of Eratosthenes: byte i of SIEVE is 1 while i may be prime.
    mov edi, SIEVE
    mov ecx, SIEVE_LIMIT
    mov al, 1
    rep stosb
    mov byte [SIEVE + 0], 0
    mov byte [SIEVE + 1], 0
    mov ebx, 2                  ; candidate
.outer:
    mov eax, ebx
    mul ebx                     ; start crossing out at ebx * ebx
    cmp eax, SIEVE_LIMIT
    jae .sieved
    cmp byte [SIEVE + ebx], 0
    je .next_candidate
.cross:
    mov byte [SIEVE + eax], 0
    add eax, ebx
    cmp eax, SIEVE_LIMIT
    jb .cross
.next_candidate:
    inc ebx
    jmp .outer
.sieved:

    mov esi, ROM_BASE + msg_primes
    call puts32
    mov ebx, 2
    mov al, 0                   ; no separator before the first prime
.print:                         ; the primes below 100, space separated
    cmp byte [SIEVE + ebx], 0
    je .print_next
    test al, al
    jz .no_space
    call putc32
.no_space:
    mov eax, ebx
    call putdec32
    mov al, ' '
.print_next:
    inc ebx
    cmp ebx, 100
    jb .print
    mov esi, ROM_BASE + msg_nl
    call puts32

    xor eax, eax                ; count them all
    xor ebx, ebx
.count:
    movzx edx, byte [SIEVE + ebx]
    add eax, edx
    inc ebx
    cmp ebx, SIEVE_LIMIT
    jb .count
    mov esi, ROM_BASE + msg_count1
    call puts32
    call putdec32
    mov esi, ROM_BASE + msg_count2
    call puts32

    mov esi, ROM_BASE + msg_next
    call puts32

    cli                         ; the end: rx86 stops with exit status 0
.halt:
    hlt
    jmp .halt

; putc32 — send AL to COM1 once LSR.THRE says the UART is ready.
putc32:
    push edx
    push eax
    mov dx, UART_LSR
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

; puts32 — send the NUL-terminated string at ESI (flat address) to COM1.
puts32:
    push eax
    push esi
.next:
    lodsb
    test al, al
    jz .done
    call putc32
    jmp .next
.done:
    pop esi
    pop eax
    ret

; putdec32 — print EAX in decimal.
putdec32:
    pushad
    mov ebx, 10
    xor ecx, ecx
.divide:
    xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz .divide
.emit:
    pop eax
    add al, '0'
    call putc32
    loop .emit
    popad
    ret

; ------------------------------------------------------------------ messages
banner:
    db 13, 10
    db "rx86 demo guest", 13, 10
    db "===============", 13, 10
    db "This is guests/demo.asm: a 64 KiB firmware image rx86 runs in place of a BIOS.", 13, 10
    db "The CPU started at the reset vector F000:FFF0 in 16-bit real mode, and this", 13, 10
    db "text comes through the emulated 16550 UART (COM1, I/O port 0x3F8).", 13, 10
    db 13, 10
    db "[real mode] switching to 32-bit protected mode ...", 13, 10, 0
msg_pm:
    db "[protected mode] running 32-bit code with a flat 4 GiB address space", 13, 10, 0
msg_cpuid:
    db "[protected mode] CPUID vendor string: ", 0
msg_primes:
    db "[protected mode] sieve of Eratosthenes in RAM at 1 MiB; primes below 100:", 13, 10, 0
msg_count1:
    db "[protected mode] ", 0
msg_count2:
    db " primes below 10000", 13, 10, 0
msg_next:
    db 13, 10
    db "Where next: README.md shows rx86's options and how to boot Multiboot kernels;", 13, 10
    db "tests/guest/ holds more bare-metal programs to read, change and run.", 13, 10
    db "The demo now executes cli; hlt, which ends rx86 with exit status 0.", 13, 10, 0
msg_nl:
    db 13, 10, 0

; ------------------------------------------------------------- reset vector
    times 0xFFF0 - ($ - $$) db 0xF4
    bits 16
    jmp 0xF000:start            ; executed first: physical FFFFFFF0h
    times 0x10000 - ($ - $$) db 0xF4
