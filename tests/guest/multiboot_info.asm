; multiboot_info — a Multiboot v1 kernel in ELF32 (nasm -f elf32, linked with
; multiboot.ld at 1 MiB).  Without header flag 16 the loader takes the load
; addresses and the entry point from the ELF program headers (Multiboot spec 3.1.3).
; The checks and the output are in multiboot_body.inc.

%include "lib.inc"

%define MB_HEADER_MAGIC 0x1BADB002
%define MB_FLAGS        0x00000003  ; bit 0: page-align modules, bit 1: memory info

    section .multiboot
    align 4
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd -(MB_HEADER_MAGIC + MB_FLAGS)  ; magic + flags + checksum = 0 (mod 2^32)

    global kernel_entry
%include "multiboot_body.inc"
