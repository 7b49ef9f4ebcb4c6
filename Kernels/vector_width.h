// vector_width.h: the float and uint vector types of width VECTOR_WIDTH, for elementwise kernels
// that load and store VECTOR_WIDTH consecutive elements per work-item.
//
// Tuning macro: VECTOR_WIDTH, one of 2, 4, 8 or 16 (default 8).
// Include this file with `#include "vector_width.h"`, which the host inlines before building.

#ifndef VECTOR_WIDTH
#define VECTOR_WIDTH 8
#endif

#define PASTE_TOKENS(a, b) a##b
#define EXPAND_AND_PASTE(a, b) PASTE_TOKENS(a, b)

// floatv, intv and uintv are the vector types. vloadv and vstorev load and store one floatv, and
// convert_intv converts to an intv.
#define floatv EXPAND_AND_PASTE(float, VECTOR_WIDTH)
#define intv EXPAND_AND_PASTE(int, VECTOR_WIDTH)
#define uintv EXPAND_AND_PASTE(uint, VECTOR_WIDTH)
#define convert_intv EXPAND_AND_PASTE(convert_int, VECTOR_WIDTH)
#define vloadv EXPAND_AND_PASTE(vload, VECTOR_WIDTH)
#define vstorev EXPAND_AND_PASTE(vstore, VECTOR_WIDTH)

// LANE_OFFSETS is (0, 1, ..., VECTOR_WIDTH - 1) as a uintv, the offset of each lane from the
// first element of the vector.
#if VECTOR_WIDTH == 2
#define LANE_OFFSETS ((uint2)(0, 1))
#elif VECTOR_WIDTH == 4
#define LANE_OFFSETS ((uint4)(0, 1, 2, 3))
#elif VECTOR_WIDTH == 8
#define LANE_OFFSETS ((uint8)(0, 1, 2, 3, 4, 5, 6, 7))
#elif VECTOR_WIDTH == 16
#define LANE_OFFSETS ((uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#else
#error "VECTOR_WIDTH must be 2, 4, 8 or 16"
#endif
