// The page-fault loop with a bare handler: clear P, INVLPG, the load faults (#PF), the handler
// (six instructions) sets P and IRETQ retries the load, which walks and refills.
#define ROUND_VECTOR 14
#define ROUND_ENTRY ""
#define ROUND_HANDLER_END " add $8, %rsp\n iretq\n" /* drops the error code */
#include "raw-round.h"
