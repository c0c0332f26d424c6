"""Read side: the warehouse opened read-only, query functions, chart builders, URL state, exports."""
