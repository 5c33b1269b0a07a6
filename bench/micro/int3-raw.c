// pf-raw's round entered by INT3 instead of a fault: the same handler work (set P, IRETQ), the
// same INVLPG and refilling load. pf-raw minus this is what the fault itself costs.
#define ROUND_VECTOR 3
#define ROUND_ENTRY "int3"
#define ROUND_HANDLER_END " iretq\n"
#include "raw-round.h"
