; startup — the emptiest workload: leave through isa-debug-exit (status 33) as the
; first thing after the reset vector.  Its run time is the emulator's own start-up
; and tear-down cost.  Uses the guest-test macros of tests/guest/lib.inc.

%include "lib.inc"

    bits 16
    org 0
start:
    EXIT EXIT_PASS

    RESET_VECTOR start
