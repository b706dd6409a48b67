/*
 * A probe for acpiexec_check.py: methods that read elements of rx86's
 * \_SB.PCI0._PRT (too big for acpiexec's debugger to print whole).
 */
DefinitionBlock ("", "SSDT", 2, "RX86", "PROBE", 1)
{
    External (\_SB.PCI0._PRT, PkgObj)
    Method (PRTN, 0) { Return (SizeOf (\_SB.PCI0._PRT)) }
    Method (PRTE, 1) { Return (DerefOf (\_SB.PCI0._PRT [Arg0])) }
}
