; chipset — the PC platform's registers as a bare-metal program finds them after
; RESET, with no firmware (QEMU's -bios boot sets nothing up: the program does
; what firmware would, e.g. placing the ACPI PM block):
;   * PCI configuration mechanism #1 (0xCF8 address, 0xCFC data; PCI Local Bus
;     3.0, 3.2.2.3.2): the i440FX at 00:00.0 (8086:1237), the PIIX3 at 00:01.0
;     (8086:7000, multi-function) and its PM function 00:01.3 (8086:7113): IDs,
;     command/status, class codes and revisions, header types; absent functions
;     and buses read all ones, and so does the data port with the enable bit
;     clear; byte and word reads of the data port; the address register reads
;     back; PIIX3's PIRQ routing at reset (disabled).
;   * The PIIX4 ACPI function (82371AB datasheet, 3.4): PMBA (0x40) and PMIOSE
;     (0x80 bit 0) place the PM block (here at 0x600, where SeaBIOS puts it); the
;     3.579545 MHz PM timer at +8 counts (only whether it advances over ~55 ms and
;     stays below 2^24 is printed); the block disappears with PMIOSE clear and
;     follows PMBA when it moves.
;   * The reset control register 0xCF9 (PIIX3 datasheet 2.4.1): bit 1 reads back,
;     the others read 0 (bit 2 would reset the machine: never written).
;     Not printed: PM1a_CNT, whose SCI_EN QEMU (with SMM) clears at reset and rx86
;     (no SMM, no SMI_CMD in its FADT) sets.
;   * The i8042 (8042/"AT" keyboard controller): self-test (0xAA -> 0x55),
;     interface tests, the command byte (0x20/0x60), the output port (0xD0/0xD1)
;     and its A20 bit gating address line 20 (1 MiB and 0 compared, as
;     a20_gate does for port 0x92; measured only with port 0x92's bit clear, where
;     the gate follows the i8042 both on hardware (the two ORed) and on QEMU (the
;     last writer wins)), the keyboard's reset and identify replies.  The values
;     written to the output port have bits 4 and 5 (the buffers' interrupt
;     lines) clear: QEMU 7.2 reads back what D1h wrote there until the buffer
;     next changes, rx86 shows the buffer's state.
;   * The MC146818 RTC: registers A, B and D after RESET, the seconds advancing
;     by 1 or 2 over 1.1 s (20 counts of PIT counter 2), QEMU's CMOS bytes for
;     the memory size, the equipment byte and the CPU count.
;   * The HPET (IA-PC HPET 1.0a, 2.3): capabilities (vendor 8086, 3 timers,
;     legacy routing, 64-bit counter, period 10 ns), the counter stopped until
;     ENABLE_CNF and running after, timer 0's capabilities and comparator.

%include "cpu_harness.inc"

%define CFG(bus, dev, fn, off) (0x80000000 | ((bus) << 16) | ((dev) << 11) | ((fn) << 8) | (off))
%define PM_BASE     0x600
%define PM_BASE2    0x700
%define PM_TMR      8
%define HPET        0xFED00000

; CFGRD bus, dev, fn, off — EAX = the configuration dword at (off & ~3).
%macro CFGRD 4
    push ecx
    mov ecx, CFG(%1, %2, %3, %4)
    call pci_rd32
    pop ecx
%endmacro

; CFGWR8 bus, dev, fn, off, value / CFGWR32 — write a configuration byte / dword.
%macro CFGWR8 5
    push eax
    push ecx
    mov ecx, CFG(%1, %2, %3, %4)
    mov al, %5
    call pci_wr8
    pop ecx
    pop eax
%endmacro
%macro CFGWR32 5
    push eax
    push edx
    mov eax, CFG(%1, %2, %3, %4)
    mov dx, 0xCF8
    out dx, eax
    mov eax, %5
    mov dx, 0xCFC
    out dx, eax
    pop edx
    pop eax
%endmacro

; FUNC "name", bus, dev, fn — a function's ID, command/status, class/revision and
; header type (the byte at 0x0E).
%macro FUNC 4
    PUTS %1
    CFGRD %2, %3, %4, 0x00
    FIELD " id=", eax, 8
    CFGRD %2, %3, %4, 0x04
    FIELD " cmd/sts=", eax, 8
    CFGRD %2, %3, %4, 0x08
    FIELD " class/rev=", eax, 8
    CFGRD %2, %3, %4, 0x0C
    shr eax, 16
    FIELD " header=", eax, 2
    NL
%endmacro

; INB "label", port / INW / IND — read a port and print it.
%macro INB 2
    mov dx, %2
    in al, dx
    FIELD %1, eax, 2
%endmacro
%macro INW 2
    mov dx, %2
    in ax, dx
    FIELD %1, eax, 4
%endmacro
%macro IND 2
    mov dx, %2
    in eax, dx
    FIELD %1, eax, 8
%endmacro

; CMOS index — AL = the RTC/CMOS byte at index (NMI stays enabled: bit 7 clear).
%macro CMOS 1
    mov al, %1
    out 0x70, al
    in al, 0x71
%endmacro

test_main:
    call pci
    call pm
    call reset_control
    call i8042
    call rtc
    call hpet
    ret

; -- PCI configuration space ---------------------------------------------------------
pci:
    SAY "-- pci"
    FUNC "00:00.0", 0, 0, 0
    FUNC "00:01.0", 0, 1, 0
    FUNC "00:01.3", 0, 1, 3
    PUTS "absent:"
    CFGRD 0, 2, 0, 0x00
    FIELD " 00:02.0=", eax, 8
    CFGRD 0, 0x1F, 0, 0x00
    FIELD " 00:1f.0=", eax, 8
    CFGRD 0, 0, 1, 0x00
    FIELD " 00:00.1=", eax, 8
    CFGRD 1, 0, 0, 0x00
    FIELD " 01:00.0=", eax, 8
    NL
    mov eax, 0x00000000                 ; the enable bit clear: no configuration cycle
    mov dx, 0xCF8
    out dx, eax
    IND "enable clear: data=", 0xCFC
    mov eax, CFG(0, 0, 0, 0)
    mov dx, 0xCF8
    out dx, eax
    IND " address=", 0xCF8
    NL
    INW "00:00.0 word at 2: ", 0xCFE
    INB " byte at 3: ", 0xCFF
    INB " byte at 0: ", 0xCFC
    NL
    CFGRD 0, 1, 0, 0x60
    FIELD "00:01.0 pirq route 60-63: ", eax, 8
    NL
    ret

; -- the PIIX4 ACPI function and the PM timer ----------------------------------------
pm:
    SAY "-- piix4 pm (00:01.3)"
    CFGRD 0, 1, 3, 0x40
    FIELD "pmba at reset: ", eax, 8
    CFGRD 0, 1, 3, 0x80
    FIELD " pmregmisc: ", eax, 2
    NL
    IND "timer port before enabling: ", PM_BASE + PM_TMR
    NL
    CFGWR32 0, 1, 3, 0x40, PM_BASE | 1
    CFGWR8 0, 1, 3, 0x80, 0x01
    CFGRD 0, 1, 3, 0x40
    FIELD "pmba: ", eax, 8
    CFGRD 0, 1, 3, 0x80
    FIELD " pmregmisc: ", eax, 2
    NL
    INW "pm1_en: ", PM_BASE + 2
    NL
    mov dx, PM_BASE + PM_TMR
    call timer_advances
    CFGWR8 0, 1, 3, 0x80, 0x00          ; PMIOSE clear: the block goes away
    IND "pmiose clear: timer port ", PM_BASE + PM_TMR
    NL
    CFGWR32 0, 1, 3, 0x40, PM_BASE2 | 1 ; moved, and enabled again
    CFGWR8 0, 1, 3, 0x80, 0x01
    IND "moved to 0x700: old timer port ", PM_BASE + PM_TMR
    NL
    mov dx, PM_BASE2 + PM_TMR
    call timer_advances
    ret

; timer_advances — read the 24-bit PM timer at port DX, wait ~55 ms, read it
; again; print whether it advanced and both values are below 2^24.
timer_advances:
    in eax, dx
    mov ebx, eax
    call pit_wait
    in eax, dx
    PUTS "pm timer advanced:"
    cmp eax, ebx
    call yes_no_ne
    PUTS "pm timer below 2^24:"
    or eax, ebx
    test eax, 0xFF000000
    call yes_no_z
    ret

; -- the reset control register ------------------------------------------------------
reset_control:
    SAY "-- reset control 0xcf9"
    INB "at reset: ", 0xCF9
    mov al, 0x02
    mov dx, 0xCF9
    out dx, al
    INB " written 02: ", 0xCF9
    mov al, 0x0B
    out dx, al
    INB " written 0b: ", 0xCF9
    mov al, 0xF9
    out dx, al
    INB " written f9: ", 0xCF9
    mov al, 0x00
    out dx, al
    INB " written 00: ", 0xCF9
    NL
    IND "0xcf8 after (bits 15:8 are not 0xcf9): ", 0xCF8
    NL
    ret

; -- the i8042 -------------------------------------------------------------------------
i8042:
    SAY "-- i8042"
    INB "status at reset: ", 0x64
    NL
    mov al, 0xAA
    call kbc_cmd
    call kbc_read
    FIELD "self-test aa: ", eax, 2
    INB " status: ", 0x64
    NL
    mov al, 0xAB
    call kbc_cmd
    call kbc_read
    FIELD "keyboard interface test ab: ", eax, 2
    mov al, 0xA9
    call kbc_cmd
    call kbc_read
    FIELD " aux interface test a9: ", eax, 2
    NL
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    mov [saved_ccb], al
    FIELD "command byte at reset: ", eax, 2
    mov al, 0x60
    call kbc_cmd
    mov al, 0x74                        ; both ports off, translation, SYS
    call kbc_data
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    FIELD " written 74: ", eax, 2
    mov al, 0x60
    call kbc_cmd
    mov al, [saved_ccb]
    call kbc_data
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    FIELD " restored: ", eax, 2
    NL
    mov al, 0xD0
    call kbc_cmd
    call kbc_read
    FIELD "output port: ", eax, 2
    NL

    mov byte [0x000000], 0x11           ; A20 on (port 92h and the i8042 both)
    mov byte [0x100000], 0x22
    in al, 0x92                         ; port 92h's bit off: the i8042 decides
    and al, ~0x03
    out 0x92, al
    mov al, 0xCD                        ; A20 off, reset line high (inactive)
    call kbc_write_outport
    call a20_show
    mov byte [0x100000], 0x33           ; lands at 0
    mov al, 0xCF                        ; A20 on
    call kbc_write_outport
    call a20_show
    mov al, 0xCD
    call kbc_write_outport
    call a20_show
    mov al, 0xCF
    call kbc_write_outport
    call a20_show
    in al, 0x92                         ; port 92h on again
    or al, 0x02
    out 0x92, al

    SAY "keyboard reset ff:"
    mov al, 0xFF
    call kbd_send
    mov ecx, 2
    call kbc_replies
    SAY "keyboard identify f2 (no translation):"
    mov al, 0xF2
    call kbd_send
    mov ecx, 3
    call kbc_replies
    ret

; a20_show — the output port and the bytes at 0 and 1 MiB.
a20_show:
    mov al, 0xD0
    call kbc_cmd
    call kbc_read
    FIELD "output port ", eax, 2
    movzx eax, byte [0x000000]
    FIELD ": [0]=", eax, 2
    movzx eax, byte [0x100000]
    FIELD " [1 MiB]=", eax, 2
    NL
    ret

; kbc_write_outport — the i8042's output port = AL (command D1h).
kbc_write_outport:
    push eax
    mov al, 0xD1
    call kbc_cmd
    pop eax
    call kbc_data
    ret

; kbd_send — AL to the keyboard (a data-port write with no command pending).
kbd_send:
    call kbc_data
    ret

; kbc_replies — read and print ECX bytes from the output buffer (" --" when
; none comes), a newline.
kbc_replies:
    push eax
.next:
    call kbc_read
    cmp eax, -1
    je .none
    PUTS " "
    PHEX eax, 2
    jmp .more
.none:
    PUTS " --"
.more:
    loop .next
    NL
    pop eax
    ret

; kbc_wait_in — until the input buffer is empty (status bit 1 clear).
kbc_wait_in:
    push eax
    push ecx
    mov ecx, 0x100000
.poll:
    in al, 0x64
    test al, 0x02
    jz .done
    loop .poll
.done:
    pop ecx
    pop eax
    ret

; kbc_cmd / kbc_data — AL to the command (0x64) / data (0x60) port.
kbc_cmd:
    call kbc_wait_in
    out 0x64, al
    ret
kbc_data:
    call kbc_wait_in
    out 0x60, al
    ret

; kbc_read — EAX = the next output-buffer byte (status bit 0), or -1 if none
; comes within 1,000,000 polls.
kbc_read:
    push ecx
    mov ecx, 1000000
.poll:
    in al, 0x64
    test al, 0x01
    jnz .full
    loop .poll
    mov eax, -1
    pop ecx
    ret
.full:
    in al, 0x60
    movzx eax, al
    pop ecx
    ret

; -- the RTC ---------------------------------------------------------------------------
rtc:
    SAY "-- rtc"
    CMOS 0x0A
    FIELD "register a: ", eax, 2
    CMOS 0x0B
    FIELD " b: ", eax, 2
    CMOS 0x0D
    FIELD " d: ", eax, 2
    NL
    call rtc_seconds
    mov ebx, eax
    mov ecx, 20                         ; 20 x 54.9 ms
.wait:
    call pit_wait
    loop .wait
    call rtc_seconds
    sub eax, ebx
    jnc .diff
    add eax, 60
.diff:
    PUTS "seconds advanced by 1 or 2 over 1.1 s:"
    cmp eax, 1
    je .yes
    cmp eax, 2
.yes:
    call yes_no_z
    PUTS "cmos 14 (equipment):"
    mov bl, 0x14
    mov ecx, 1
    call cmos_bytes
    PUTS "cmos 15-18 (base, extended memory):"
    mov bl, 0x15
    mov ecx, 4
    call cmos_bytes
    PUTS "cmos 30-31, 34-35 (extended, above 16 MiB):"
    mov bl, 0x30
    mov ecx, 2
    call cmos_bytes_more
    mov bl, 0x34
    mov ecx, 2
    call cmos_bytes
    PUTS "cmos 5b-5d, 5f (above 4 GiB, cpus - 1):"
    mov bl, 0x5B
    mov ecx, 3
    call cmos_bytes_more
    mov bl, 0x5F
    mov ecx, 1
    call cmos_bytes
    ret

; rtc_seconds — EAX = the RTC's seconds in binary (BCD mode, register B), read
; outside an update cycle (register A's UIP clear).
rtc_seconds:
    push ecx
.uip:
    CMOS 0x0A
    test al, 0x80
    jnz .uip
    CMOS 0x00
    movzx eax, al
    mov ecx, eax
    shr ecx, 4
    and eax, 0x0F
    imul ecx, ecx, 10
    add eax, ecx
    pop ecx
    ret

; cmos_bytes — print ECX CMOS bytes from index BL, a newline; cmos_bytes_more
; without the newline.
cmos_bytes:
    call cmos_bytes_more
    NL
    ret
cmos_bytes_more:
    push eax
.next:
    CMOS bl
    PUTS " "
    PHEX eax, 2
    inc bl
    loop .next
    pop eax
    ret

; -- the HPET ---------------------------------------------------------------------------
hpet:
    SAY "-- hpet at fed00000"
    FIELD "capabilities: ", dword [HPET + 0x04], 8
    FIELD " ", dword [HPET + 0x00], 8
    NL
    FIELD "config: ", dword [HPET + 0x10], 8
    FIELD " status: ", dword [HPET + 0x20], 8
    NL
    FIELD "timer 0 config/caps: ", dword [HPET + 0x104], 8
    FIELD " ", dword [HPET + 0x100], 8
    FIELD " comparator: ", dword [HPET + 0x10C], 8
    FIELD " ", dword [HPET + 0x108], 8
    NL
    PUTS "counter stopped:"
    call hpet_advances
    mov dword [HPET + 0x10], 1          ; ENABLE_CNF
    PUTS "counter enabled:"
    call hpet_advances
    mov dword [HPET + 0x10], 0
    PUTS "counter disabled again:"
    call hpet_advances
    ret

; hpet_advances — " advances" or " still" for the main counter's low half over
; ~55 ms, a newline.
hpet_advances:
    mov ebx, [HPET + 0xF0]
    call pit_wait
    cmp ebx, [HPET + 0xF0]
    je .still
    SAY " advances"
    ret
.still:
    SAY " still"
    ret

; -- common ------------------------------------------------------------------------------
; pit_wait — one full count of PIT counter 2 (mode 0, 65536 counts of 1.193182
; MHz: 54.9 ms), its OUT read at port 0x61 bit 5.  Keeps the registers.
pit_wait:
    push eax
    in al, 0x61
    and al, 0xFC                        ; gate and speaker off
    out 0x61, al
    mov al, 0xB0                        ; counter 2, LSB then MSB, mode 0, binary
    out 0x43, al
    xor al, al                          ; count 0 = 65536
    out 0x42, al
    out 0x42, al
    in al, 0x61
    or al, 0x01                         ; gate on
    out 0x61, al
.poll:
    in al, 0x61
    test al, 0x20
    jz .poll
    pop eax
    ret

; yes_no_z / yes_no_ne — " yes" and a newline if ZF is set / clear, else " no".
yes_no_z:
    jz yes
    jmp no
yes_no_ne:
    jnz yes
no:
    SAY " no"
    ret
yes:
    SAY " yes"
    ret

%include "pci.inc"

    section .data
saved_ccb: db 0
    section .text
