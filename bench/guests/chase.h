// The pointer chase of pointer-chase.c, shared with its native twin (bench/native/pointer-chase.c,
// which npm run bench runs on the host for comparison): a pseudo-random cycle through PAGES pages,
// one node per page, STEPS steps. The includer provides uint32_t and uint64_t.

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define PAGES 16384
#define STEPS 54000000
#else
#define PAGES 2048
#define STEPS 3000000
#endif

struct node { struct node *next; uint64_t pad[511]; };

/* Links nodes[0..PAGES) into one cycle in a shuffled order (order: PAGES scratch words); returns its start. */
static inline struct node *chase_link(struct node *nodes, uint32_t *order)
{
	uint64_t x = 12345;

	for (uint32_t i = 0; i < PAGES; i++)
		order[i] = i;
	for (uint32_t i = PAGES - 1; i > 0; i--) {
		x = x * 6364136223846793005ULL + 1;
		uint32_t j = (x >> 33) % (i + 1);
		uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
	}
	for (uint32_t i = 0; i < PAGES; i++)
		nodes[order[i]].next = &nodes[order[(i + 1) % PAGES]];
	return &nodes[order[0]];
}

/* STEPS steps from p: every load is to another page. */
static inline uint64_t chase(struct node *p)
{
	uint64_t sum = 0;

	for (uint32_t s = 0; s < STEPS; s++) {
		p = p->next;
		sum += (uint64_t)p;
	}
	return sum;
}
