/* Interrupt wires (see IrqLine in hw.h). */
#include "hw/hw.h"

void irq_set(const IrqLine *irq, int level)
{
    if (irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}
