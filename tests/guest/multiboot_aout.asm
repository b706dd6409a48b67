; multiboot_aout — the multiboot_info kernel as a flat binary using the "a.out
; kludge": header flag 16 says the header's address fields give where to load the
; file and where to enter it, so the loader needs no ELF headers (Multiboot spec
; 3.1.3, fields header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr).

%include "lib.inc"

%define LOAD_ADDR       0x100000
%define MB_HEADER_MAGIC 0x1BADB002
%define MB_FLAGS        0x00010003  ; bit 0 page-align modules, 1 memory info, 16 a.out kludge

    section .text
    org LOAD_ADDR
header:
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd -(MB_HEADER_MAGIC + MB_FLAGS)
    dd header                   ; header_addr: where this header is loaded
    dd LOAD_ADDR                ; load_addr: the file's first byte goes here
    dd load_end                 ; load_end_addr: end of the bytes taken from the file
    dd bss_end                  ; bss_end_addr: zeroed up to here
    dd kernel_entry             ; entry_addr

%include "multiboot_body.inc"

    section .data
load_end:                       ; .data is the last section with file contents
    section .bss
bss_end:
