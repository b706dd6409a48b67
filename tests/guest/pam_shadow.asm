; pam_shadow — BIOS shadowing through the i440FX's PAM registers (82441FX datasheet,
; order no. 290549, 3.2.15: PAM0 0x59 bits 5:4 map 0xF0000-0xFFFFF, PAM1-PAM6
; 0x5A-0x5F bits 1:0 and 5:4 map the 16 KiB segments from 0xC0000 up; RE (bit 0/4)
; sends reads to DRAM, WE (bit 1/5) writes; with neither, both go to the PCI side:
; the BIOS alias or nothing), the way firmware shadows itself, with code translated
; and cached before each switch: a function in the segment is called, the map
; changes, the same call site must run what the new map shows.
;
; The image is 128 KiB: this file assembled twice.  With -DLOW_HALF it is the
; image's first 64 KiB (the BIOS alias at 0xE0000 and 0xFFFE0000: two functions,
; at 0xE0100 and 0xE4100, and signatures) followed by the second build, the
; program on cpu_harness.inc (0xF0000 and 0xFFFF0000), included whole.
;
; The checks, per segment, each printing what a call of the segment's function
; returns ("call=") and what a data read of its immediate operand sees ("data="):
;   0xF0000 (64 KiB): the ROM; writes to it dropped; PAM0 = 30h (read/write DRAM):
;     empty DRAM, filled from the high alias 0xFFFF0000 (as SeaBIOS does), the
;     copy patched; back to the ROM; 10h (read-only DRAM: writes dropped, the
;     high ROM untouched); 20h (write-only: a write lands in DRAM, seen after 30h).
;   0xE0000 (16 KiB, PAM5 bits 1:0): the same, and that its neighbour 0xE4000
;     (PAM5 bits 5:4) stays the ROM meanwhile, and the other way round.
;   0xC8000 (16 KiB, PAM2 bits 1:0, no ROM behind it): the PCI side drops writes
;     and does not show the DRAM (QEMU has its read-only "pc.rom" of zeros there, a
;     board without option ROMs nothing, all ones: only whether a write stuck and
;     whether the DRAM shows is printed); DRAM in modes 1-3, code run from it.
; What a write-only segment reads, code that switches the segment it runs from,
; and the reserved bits are where QEMU 7.2 is not the hardware: its mode 2 reads
; DRAM too (hw/pci-host/pam.c), it keeps running its stale translation after the
; switch, and it lets every PAM bit be written.  Those cases are in pam_shadow_sdm
; (-DSDM, rx86 only), written from the datasheet: mode 2 reads the PCI side (the
; ROM; all ones where nothing is), so copying a segment onto itself there fills
; its DRAM; after an OUT that switches the segment the code runs from, and a
; serializing CPUID (SDM Vol. 3A 9.3: the next instruction is fetched after it),
; the new map's bytes run; the reserved bits read 0.

%ifdef LOW_HALF
; ---------------------------------------------------------------- the low 64 KiB
    bits 32
    section low start=0 vstart=0
    db "RX86E000"
    times 0x100 - ($ - $$) db 0xA5
    mov eax, 0xE000000A                 ; 0xE0100
    ret
    times 0x4000 - ($ - $$) db 0xA5
    db "RX86E400"
    times 0x4100 - ($ - $$) db 0xA5
    mov eax, 0xE400000A                 ; 0xE4100
    ret
    times 0x10000 - ($ - $$) db 0xA5
  %ifdef SDM
    incbin "pam_shadow_sdm_high.bin"
  %else
    incbin "pam_shadow_high.bin"
  %endif
%else
; --------------------------------------------------------------- the high 64 KiB
%include "cpu_harness.inc"

%define CFG(dev, fn, off) (0x80000000 | ((dev) << 11) | ((fn) << 8) | (off))
%define PAM0        0x59                ; 0xF0000-0xFFFFF: bits 5:4
%define PAM2        0x5B                ; 0xC8000: bits 1:0
%define PAM5        0x5E                ; 0xE0000: bits 1:0, 0xE4000: bits 5:4

%define F_FN        (f_fn + 0xF0000 - LOAD_BASE)   ; f_fn in the ROM alias
%define F_HIGH      (f_fn + 0xFFFF0000 - LOAD_BASE) ; and in the ROM below 4 GiB
%define E_FN        0xE0100
%define E4_FN       0xE4100
%define C_BASE      0xC8000
%define SW_FN_IMM   (sw_fn_imm + 0xF0000 - LOAD_BASE)   ; SDM: sw_fn's immediate

; PAM reg, value — write one i440FX configuration byte (00:00.0).
%macro PAM 2
    push eax
    push ecx
    mov ecx, CFG(0, 0, %1)
    mov al, %2
    call pci_wr8
    pop ecx
    pop eax
%endmacro

; SHOW "label", caller, fn — call fn through its caller (one call site for all
; states, so a translation chained to the old code would be followed), print the
; result and a data read of fn's immediate operand.
%macro SHOW 3
    PUTS %1
    call %2
    FIELD " call=", eax, 8
    FIELD " data=", dword [%3 + 1], 8
    NL
%endmacro

; DATA "label", address — print the dword at address.
%macro DATA 2
    PUTS %1
    FIELD " data=", dword [%2], 8
    NL
%endmacro

test_main:
    SAY "-- i440fx 00:00.0 at reset"
    mov ecx, CFG(0, 0, 0x58)
    call pci_rd32
    shr eax, 8
    FIELD "pam0-2=", eax, 6
    mov ecx, CFG(0, 0, 0x5C)
    call pci_rd32
    FIELD " pam3-6=", eax, 8
    mov ecx, CFG(0, 0, 0x70)
    call pci_rd32
    shr eax, 16
    FIELD " smram=", eax, 2
    NL
%ifdef SDM
    call sdm_main
%else
    call seg_f
    call seg_e
    call seg_c
%endif
    ret

%ifndef SDM
; -- 0xF0000 ----------------------------------------------------------------------
seg_f:
    SAY "-- 0xf0000, PAM0 bits 5:4"
    SHOW "pam 00 rom:", call_f, F_FN
    mov dword [F_FN + 1], 0xF00000EE
    SHOW "pam 00 rom, written:", call_f, F_FN
    PAM PAM0, 0x30
    DATA "pam 30 dram, empty:", F_FN + 1
    mov esi, 0xFFFF0000                 ; the ROM below 4 GiB into the DRAM
    mov edi, 0xF0000
    mov ecx, 0x10000 / 4
    rep movsd
    SHOW "pam 30 dram, copied:", call_f, F_FN
    mov dword [F_FN + 1], 0xF000000B
    SHOW "pam 30 dram, patched:", call_f, F_FN
    PAM PAM0, 0x00
    SHOW "pam 00 rom again:", call_f, F_FN
    PAM PAM0, 0x10
    SHOW "pam 10 dram read-only:", call_f, F_FN
    mov dword [F_FN + 1], 0xF00000EE
    SHOW "pam 10 written:", call_f, F_FN
    DATA "pam 10 high rom:", F_HIGH + 1
    PAM PAM0, 0x20
    mov dword [F_FN + 1], 0xF000000C
    PAM PAM0, 0x30
    SHOW "pam 30 after a write in 20:", call_f, F_FN
    PAM PAM0, 0x00
    SHOW "pam 00 rom at last:", call_f, F_FN
    ret

; -- 0xE0000 and 0xE4000 ----------------------------------------------------------
seg_e:
    SAY "-- 0xe0000, PAM5 bits 1:0; 0xe4000, PAM5 bits 5:4"
    SHOW "pam 00 rom e0000:", call_e, E_FN
    SHOW "pam 00 rom e4000:", call_e4, E4_FN
    mov dword [E_FN + 1], 0xE00000EE
    SHOW "pam 00 rom e0000, written:", call_e, E_FN
    PAM PAM5, 0x03
    DATA "pam 03 e0000 dram, empty:", E_FN + 1
    mov esi, 0xFFFE0000                 ; 16 KiB of the ROM below 4 GiB
    mov edi, 0xE0000
    mov ecx, 0x4000 / 4
    rep movsd
    SHOW "pam 03 e0000 dram, copied:", call_e, E_FN
    mov dword [E_FN + 1], 0xE000000B
    SHOW "pam 03 e0000 dram, patched:", call_e, E_FN
    SHOW "pam 03 e4000 still rom:", call_e4, E4_FN
    mov dword [E4_FN + 1], 0xE40000EE
    SHOW "pam 03 e4000 rom, written:", call_e4, E4_FN
    DATA "pam 03 e3ffc, last dram dword:", 0xE3FFC
    DATA "pam 03 e4000, first rom dword:", 0xE4000
    PAM PAM5, 0x00
    SHOW "pam 00 e0000 rom again:", call_e, E_FN
    PAM PAM5, 0x01
    SHOW "pam 01 e0000 dram read-only:", call_e, E_FN
    mov dword [E_FN + 1], 0xE00000EE
    SHOW "pam 01 e0000 written:", call_e, E_FN
    PAM PAM5, 0x02
    mov dword [E_FN + 1], 0xE000000C
    PAM PAM5, 0x03
    SHOW "pam 03 e0000 after a write in 02:", call_e, E_FN
    PAM PAM5, 0x30
    SHOW "pam 30 e0000 rom:", call_e, E_FN
    DATA "pam 30 e4000 dram, empty:", E4_FN + 1
    PAM PAM5, 0x00
    SHOW "pam 00 e0000 rom at last:", call_e, E_FN
    SHOW "pam 00 e4000 rom at last:", call_e4, E4_FN
    ret

; -- 0xC8000: no ROM on the PCI side ------------------------------------------------
seg_c:
    SAY "-- 0xc8000, PAM2 bits 1:0 (nothing on the PCI side)"
    mov dword [C_BASE], 0x12345678
    PUTS "pam 00 write kept:"
    cmp dword [C_BASE], 0x12345678
    call yes_no
    PAM PAM2, 0x03
    mov dword [C_BASE], 0xC800000D
    DATA "pam 03 dram:", C_BASE
    mov esi, c_fn                       ; a function into the DRAM: runs there
    mov edi, C_BASE + 0x100
    mov ecx, c_fn_end - c_fn
    rep movsb
    SHOW "pam 03 dram code:", call_c, C_BASE + 0x100
    mov dword [C_BASE + 0x101], 0xC800000B
    SHOW "pam 03 dram code, patched:", call_c, C_BASE + 0x100
    PAM PAM2, 0x00
    PUTS "pam 00 dram seen:"
    cmp dword [C_BASE], 0xC800000D
    call yes_no
    mov dword [C_BASE], 0x12345678
    PAM PAM2, 0x01
    DATA "pam 01 dram read-only:", C_BASE
    mov dword [C_BASE], 0xC80000EE
    DATA "pam 01 written:", C_BASE
    PAM PAM2, 0x02
    mov dword [C_BASE], 0xC800000C
    PAM PAM2, 0x03
    DATA "pam 03 after a write in 02:", C_BASE
    SHOW "pam 03 dram code again:", call_c, C_BASE + 0x100
    PAM PAM2, 0x00
    ret

; yes_no — print " yes" if ZF, else " no", and a newline (PUTS changes the flags:
; the comparison comes after the label).
yes_no:
    jz .yes
    SAY " no"
    ret
.yes:
    SAY " yes"
    ret

c_fn:
    mov eax, 0xC800000A
    ret
c_fn_end:

call_c:
    call C_BASE + 0x100
    ret
%endif ; !SDM

%ifdef SDM
; -- what the datasheet says and QEMU 7.2 does not do ---------------------------------
sdm_main:
    SAY "-- write-only (PAM 20): reads from the PCI side"
    PAM PAM0, 0x30                      ; a recognisable DRAM under the function
    mov dword [F_FN + 1], 0xF00000DD
    PAM PAM0, 0x20
    SHOW "pam 20 f0000:", call_f, F_FN
    mov esi, 0xF0000                    ; copy the segment onto itself: the reads
    mov edi, 0xF0000                    ; from the ROM, the writes into DRAM
    mov ecx, 0x10000 / 4
    rep movsd
    SHOW "pam 20 copied onto itself:", call_f, F_FN
    mov dword [F_FN + 1], 0xF000000B
    SHOW "pam 20 patched (in dram):", call_f, F_FN
    PAM PAM0, 0x30
    SHOW "pam 30 f0000:", call_f, F_FN
    PAM PAM0, 0x00
    SHOW "pam 00 f0000:", call_f, F_FN

    PAM PAM5, 0x03
    mov dword [E_FN + 1], 0xE00000DD
    PAM PAM5, 0x02
    SHOW "pam 02 e0000:", call_e, E_FN
    mov esi, 0xE0000
    mov edi, 0xE0000
    mov ecx, 0x4000 / 4
    rep movsd
    mov dword [E_FN + 1], 0xE000000B
    SHOW "pam 02 e0000 copied and patched:", call_e, E_FN
    PAM PAM5, 0x03
    SHOW "pam 03 e0000:", call_e, E_FN
    PAM PAM5, 0x00

    PAM PAM2, 0x02
    DATA "pam 02 c8000 (no rom):", C_BASE
    PAM PAM2, 0x00

    SAY "-- code switching its own segment (OUT, then CPUID)"
    PAM PAM0, 0x30                      ; the DRAM copy returns B
    mov esi, 0xFFFF0000
    mov edi, 0xF0000
    mov ecx, 0x10000 / 4
    rep movsd
    mov dword [SW_FN_IMM], 0xF000005B
    PAM PAM0, 0x00
    mov al, 0x00                        ; translate it, from the ROM, twice
    call call_sw
    mov al, 0x00
    call call_sw
    FIELD "rom to rom: ", eax, 8
    NL
    mov al, 0x30
    call call_sw
    FIELD "rom to dram: ", eax, 8
    NL
    mov al, 0x30
    call call_sw
    FIELD "dram to dram: ", eax, 8
    NL
    mov al, 0x00
    call call_sw
    FIELD "dram to rom: ", eax, 8
    NL

    SAY "-- reserved bits read 0"
    PAM PAM0, 0xFF                      ; 0xF0000 DRAM (a copy of the ROM)
    mov ecx, CFG(0, 0, 0x58)
    call pci_rd32
    shr eax, 8
    FIELD "pam0 written ff:", eax, 2
    NL
    PAM PAM0, 0x00
    PAM PAM2, 0xFF                      ; 0xC8000 and 0xCC000 DRAM
    mov ecx, CFG(0, 0, 0x58)
    call pci_rd32
    shr eax, 24
    FIELD "pam2 written ff:", eax, 2
    NL
    PAM PAM2, 0x00
    ret

call_sw:
    call sw_fn + 0xF0000 - LOAD_BASE
    ret

; sw_fn — (in the ROM alias, called there) write AL to PAM0 and return the
; immediate of the instruction after the switch, as the new map shows it.
sw_fn:
    push ebx
    push ecx
    push edx
    push eax
    mov eax, CFG(0, 0, 0x58)
    mov dx, 0xCF8
    out dx, eax
    pop eax
    mov dx, 0xCFC + (PAM0 & 3)
    out dx, al
    xor eax, eax                        ; serializing (SDM Vol. 3A 9.3)
    cpuid
    db 0xB8                             ; mov eax, imm32
sw_fn_imm:
    dd 0xF000005A
    pop edx
    pop ecx
    pop ebx
    ret
%endif ; SDM

; f_fn — the 0xF0000 segment's function, run from the ROM alias (F_FN).
f_fn:
    mov eax, 0xF000000A
    ret

; One call site per function (SHOW).
call_f:
    call F_FN
    ret
call_e:
    call E_FN
    ret
call_e4:
    call E4_FN
    ret

%include "pci.inc"
%endif ; LOW_HALF
