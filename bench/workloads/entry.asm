; entry.asm — the Multiboot v1 entry shared by the C benchmark workloads.
;
; Each workload is a freestanding C file defining `workload_name` (a string) and
; `uint32_t workload_run(void)`.  A Multiboot loader (rx86's or QEMU's -kernel)
; enters here in flat 32-bit protected mode with paging off and interrupts off
; (Multiboot 0.6.96, 3.2 "Machine state"); we set up our own stack, run the
; workload, print "NAME XXXXXXXX\n" (its checksum in hex) on the debug console,
; port 0xE9, and leave through isa-debug-exit at port 0xF4 with 0x10, i.e.
; exit status 33, the value tests/guest/lib.inc calls EXIT_PASS.  bench/run.py
; checks the line and the status, so a wrong emulator cannot pass silently.
;
; Written in asm rather than C so that the C files stay pure computation: no I/O
; port access, no startup code, nothing for the compiler to inline into the loops.

%define MB_HEADER_MAGIC 0x1BADB002
%define MB_FLAGS        0x00000000  ; ELF kernel: no alignment or memory info needed
%define DEBUGCON_PORT   0xE9
%define DEBUG_EXIT_PORT 0xF4
%define EXIT_PASS       0x10        ; -> exit status (0x10 << 1) | 1 = 33
%define STACK_SIZE      0x40000     ; 256 KiB: the recursion workload goes deep

    section .multiboot
    align 4
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd -(MB_HEADER_MAGIC + MB_FLAGS)    ; magic + flags + checksum = 0 (mod 2^32)

    section .text
    bits 32
    extern workload_run
    extern workload_name
    global kernel_entry
kernel_entry:
    cld                             ; the C ABI wants DF = 0 on calls
    mov esp, stack_top
    call workload_run               ; checksum in EAX
    mov ebx, eax

    mov esi, workload_name
.name:
    lodsb
    test al, al
    jz .named
    out DEBUGCON_PORT, al
    jmp .name
.named:
    mov al, ' '
    out DEBUGCON_PORT, al
    mov ecx, 8                      ; EBX as 8 hex digits, most significant first
.digit:
    rol ebx, 4
    mov al, bl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out DEBUGCON_PORT, al
    loop .digit
    mov al, 10
    out DEBUGCON_PORT, al

    mov al, EXIT_PASS
    out DEBUG_EXIT_PORT, al
.stop:                              ; no debug-exit device: stop here
    cli
    hlt
    jmp .stop

    section .bss
    alignb 16
stack_bottom:
    resb STACK_SIZE
stack_top:

    section .note.GNU-stack noalloc noexec nowrite progbits
