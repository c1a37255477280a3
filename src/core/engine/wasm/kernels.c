/*
 * The fused CPU engine's kernels: the plan of the fused WebGPU engine (one dense product kernel
 * with a bias row and epilogues, layer norm and its gradient, attention and its gradient, the
 * head's loss, the embeddings, the gradient norm and Adam) as plain C for wasm32 with SIMD128.
 * No libc: every pointer is an offset into the module's own linear memory, which the host
 * (engine.ts) lays out. The hot loops take exp and log in float, four at a time (Cephes, about
 * 1e-7 relative); the loss's few scalar ones in double, correctly rounded nearly always, as
 * TF.js's cpu kernels (Math.exp in double) give them. Every output element is computed by the same
 * instructions in the same order whichever rows, sequences or ranges a call covers, so the
 * threaded engine's slices (threads.ts) are bit-identical to one call. No FMA: relaxed SIMD is off
 * by default in Node 20, and the products' multiply and add stay two instructions.
 *
 * Built by scripts/build-wasm.sh; the bytes are committed in kernels.wasm.ts.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;
typedef int i32;

/* ---------- exp and log in double ---------- */

static double exp_d(double x) {
  if (x > 709.0) return __builtin_inf();
  if (x < -745.0) return 0.0;
  const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
  double kf = __builtin_floor(x * 1.4426950408889634 + 0.5);
  double r = (x - kf * ln2hi) - kf * ln2lo;
  /* |r| <= ln2 / 2: Taylor to r^12, error below 1e-16 relative. */
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  long long k = (long long)kf;
  /* Two halves of the scale, so that subnormal results come out right. */
  long long k1 = k / 2, k2 = k - k1;
  union { double d; unsigned long long u; } s1, s2;
  s1.u = (unsigned long long)(k1 + 1023) << 52;
  s2.u = (unsigned long long)(k2 + 1023) << 52;
  return p * s1.d * s2.d;
}

static double log_d(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -__builtin_inf() : __builtin_nan("");
  if (x == __builtin_inf()) return x;
  union { double d; unsigned long long u; } v;
  v.d = x;
  int e = 0;
  if ((v.u >> 52) == 0) { /* subnormal */
    v.d *= 18014398509481984.0; /* 2^54 */
    e = -54;
  }
  e += (int)(v.u >> 52) - 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL; /* m in [1, 2) */
  double m = v.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  double f = m - 1.0;
  double s = f / (2.0 + f);
  double s2 = s * s;
  /* log(m) = 2 atanh(s), |s| <= 0.1716: series to s^21. */
  double p = 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return (double)e * 6.93147180559945309417e-01 + 2.0 * s * p;
}

static inline f32 expf_(f32 x) { return (f32)exp_d((double)x); }
static inline f32 logf_(f32 x) { return (f32)log_d((double)x); }

/* Cephes' logf in float (relative error about 1e-7), for positive normal x: the hot loops' log. */
static inline f32 logf_fast(f32 x) {
  if (!(x > 1.17549435e-38f)) return x == 0.0f ? -__builtin_inff() : logf_(x);
  union { f32 f; unsigned u; } v;
  v.f = x;
  i32 e = (i32)(v.u >> 23) - 126;
  v.u = (v.u & 0x007fffffu) | 0x3f000000u; /* m in [0.5, 1) */
  f32 m = v.f;
  if (m < 0.707106781186547524f) {
    e -= 1;
    m = m + m - 1.0f;
  } else {
    m = m - 1.0f;
  }
  f32 z = m * m;
  f32 y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  f32 fe = (f32)e;
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  return m + y + 0.693359375f * fe;
}

/*
 * exp of four floats at once (Cephes' expf: x = k ln2 + r, a degree-7 polynomial in r; relative
 * error about 1e-7), for the head's softmax over the vocabulary. Results below 2^-126 read 0.
 */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(x, wasm_f32x4_splat(88.37f));
  v128_t under = wasm_f32x4_lt(x, wasm_f32x4_splat(-87.33f));
  x = wasm_f32x4_max(x, wasm_f32x4_splat(-87.33f));
  v128_t k = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(k, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, wasm_f32x4_splat(1.0f)));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(k), wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(wasm_f32x4_mul(p, scale), under);
}

/* logf_fast four at a time, for positive normal x (the Gumbel noise's arguments are). */
static inline v128_t log4(v128_t x) {
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(126));
  v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f000000));
  v128_t small = wasm_f32x4_lt(m, wasm_f32x4_splat(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* true lanes are -1 */
  m = wasm_f32x4_add(wasm_f32x4_sub(m, wasm_f32x4_splat(1.0f)), wasm_v128_and(m, small));
  v128_t z = wasm_f32x4_mul(m, m);
  v128_t y = wasm_f32x4_splat(7.0376836292e-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.1514610310e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(1.1676998740e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.2420140846e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(1.4249322787e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.6668057665e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(2.0000714765e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-2.4999993993e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, m), z);
  v128_t fe = wasm_f32x4_convert_i32x4(e);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(fe, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, wasm_f32x4_splat(0.5f)));
  return wasm_f32x4_add(wasm_f32x4_add(m, y), wasm_f32x4_mul(fe, wasm_f32x4_splat(0.693359375f)));
}

/* Gumbel noise -log(-log(u + 1e-20) + 1e-20) of four raw draws, u = draw / 2^32 in float. */
static inline v128_t gumbel4(v128_t draws) {
  v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_u32x4(draws), wasm_f32x4_splat(2.3283064365386963e-10f));
  v128_t tiny = wasm_f32x4_splat(1e-20f);
  v128_t inner = wasm_f32x4_add(wasm_f32x4_neg(log4(wasm_f32x4_add(u, tiny))), tiny);
  return wasm_f32x4_neg(log4(inner));
}

static inline f32 expf_fast(f32 x) { return wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(x)), 0); }

EXPORT(exp_f32) f32 exp_f32(f32 x) { return expf_(x); }
EXPORT(log_fast_f32) f32 log_fast_f32(f32 x) { return logf_fast(x); }
EXPORT(log4_f32) f32 log4_f32(f32 x) { return wasm_f32x4_extract_lane(log4(wasm_f32x4_splat(x)), 0); }
EXPORT(exp4_f32) f32 exp4_f32(f32 x) { return wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(x)), 0); }
EXPORT(log_f32) f32 log_f32(f32 x) { return logf_(x); }

/* ---------- the dense product ---------- */

#define RELU 1
#define ADD_AUX 2
#define RELU_MASK_AUX 4
#define ACCUMULATE 8
/* Inside mm only: each element starts from C's value instead of the bias (a chunk of K after the first). */
#define FROM_C 16
/* mm takes K in chunks of this many when they stream from the L2 cache (x^T dy over every row). */
#define K_CHUNK 64

static inline v128_t epilogue4(v128_t acc, f32 *c, const f32 *aux, i32 flags) {
  if (flags & RELU) acc = wasm_f32x4_max(acc, wasm_f32x4_splat(0.0f));
  if (flags & ADD_AUX) acc = wasm_f32x4_add(acc, wasm_v128_load(aux));
  if (flags & RELU_MASK_AUX) {
    v128_t pos = wasm_f32x4_gt(wasm_v128_load(aux), wasm_f32x4_splat(0.0f));
    acc = wasm_v128_and(acc, pos);
  }
  if (flags & ACCUMULATE) acc = wasm_f32x4_add(acc, wasm_v128_load(c));
  return acc;
}

static inline f32 epilogue1(f32 acc, const f32 *c, const f32 *aux, i32 flags) {
  if (flags & RELU) acc = acc > 0.0f ? acc : 0.0f;
  if (flags & ADD_AUX) acc += *aux;
  if (flags & RELU_MASK_AUX) acc = *aux > 0.0f ? acc : 0.0f;
  if (flags & ACCUMULATE) acc += *c;
  return acc;
}

/* Lanes 0 .. n - 1 of p (n = 1, 2 or 3), the rest 0: the last row of a column tail, read no further. */
static inline v128_t load_lanes(const f32 *p, i32 n) {
  v128_t v = wasm_v128_load32_zero(p);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

/* The product's operands and epilogue, as mm takes them. */
typedef struct {
  i32 K, aCs, bRs, cRs, auxRs;
  const f32 *B, *bias, *aux;
  f32 *C;
} Product;

/*
 * Stores the tile's rows 0 .. rows - 1, columns j .. j + 4 cols - 1 (cols 1 or 2 vectors) of
 * acc [4 rows][cols], through the epilogue.
 */
static inline void store_tile(const Product *p, i32 flags, i32 i, i32 j, i32 rows, i32 cols, const v128_t *acc) {
  for (i32 r = 0; r < rows; r++)
    for (i32 h = 0; h < cols; h++) {
      f32 *c = p->C + (i + r) * p->cRs + j + 4 * h;
      const f32 *x = p->aux ? p->aux + (i + r) * p->auxRs + j + 4 * h : 0;
      wasm_v128_store(c, epilogue4(acc[r * cols + h], c, x, flags));
    }
}

/* The last columns j .. j + n - 1 (n < 4) of the tile's rows, lane by lane. */
static inline void store_lanes(const Product *p, i32 flags, i32 i, i32 j, i32 rows, i32 n, const v128_t *acc) {
  for (i32 r = 0; r < rows; r++) {
    f32 lanes[4];
    wasm_v128_store(lanes, acc[r]);
    for (i32 l = 0; l < n; l++) {
      f32 *c = p->C + (i + r) * p->cRs + j + l;
      c[0] = epilogue1(lanes[l], c, p->aux ? p->aux + (i + r) * p->auxRs + j + l : 0, flags);
    }
  }
}

/*
 * Four rows of C: a[r] are the rows' first elements of A (a row past M repeats the last one, and
 * is computed and not stored), `rows` of them kept. Register tiles of 4 rows by 8 columns (8 v128
 * accumulators), then 4 columns, then the last 1-3 columns in one vector; K innermost, in order.
 */
static inline void mm_rows4(const Product *p, i32 flags, i32 N, i32 i, i32 rows, const f32 *a0,
                            const f32 *a1, const f32 *a2, const f32 *a3) {
  const i32 K = p->K, aCs = p->aCs, bRs = p->bRs;
  const f32 *bias = p->bias;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  /* FROM_C: the rows' sums so far, a row past `rows` reading the last kept one. */
  const f32 *q0 = p->C + i * p->cRs, *q1 = q0 + (rows > 1 ? p->cRs : 0);
  const f32 *q2 = q0 + (rows > 2 ? 2 : rows - 1) * p->cRs, *q3 = q0 + (rows > 3 ? 3 : rows - 1) * p->cRs;
  i32 j = 0;
  for (; j + 8 <= N; j += 8) {
    v128_t b0 = bias ? wasm_v128_load(bias + j) : zero;
    v128_t b1 = bias ? wasm_v128_load(bias + j + 4) : zero;
    v128_t c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
    if (flags & FROM_C) {
      c00 = wasm_v128_load(q0 + j), c01 = wasm_v128_load(q0 + j + 4);
      c10 = wasm_v128_load(q1 + j), c11 = wasm_v128_load(q1 + j + 4);
      c20 = wasm_v128_load(q2 + j), c21 = wasm_v128_load(q2 + j + 4);
      c30 = wasm_v128_load(q3 + j), c31 = wasm_v128_load(q3 + j + 4);
    }
    const f32 *bp = p->B + j;
    i32 ko = 0;
    for (i32 k = 0; k < K; k++, ko += aCs, bp += bRs) {
      v128_t x0 = wasm_v128_load(bp), x1 = wasm_v128_load(bp + 4);
      v128_t s0 = wasm_v128_load32_splat(a0 + ko);
      v128_t s1 = wasm_v128_load32_splat(a1 + ko);
      v128_t s2 = wasm_v128_load32_splat(a2 + ko);
      v128_t s3 = wasm_v128_load32_splat(a3 + ko);
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s0, x0));
      c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s0, x1));
      c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s1, x0));
      c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s1, x1));
      c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s2, x0));
      c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s2, x1));
      c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s3, x0));
      c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s3, x1));
    }
    v128_t acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
    store_tile(p, flags, i, j, rows, 2, acc);
  }
  for (; j < N; j += 4) {
    /* 4 columns, or the last n < 4: their last B row read lane by lane, the others whole (the
     * lanes past N read the next row's first values, and are dropped). */
    const i32 n = N - j < 4 ? N - j : 4;
    v128_t b0 = zero;
    if (bias) b0 = n == 4 ? wasm_v128_load(bias + j) : load_lanes(bias + j, n);
    v128_t c0 = b0, c1 = b0, c2 = b0, c3 = b0;
    if (flags & FROM_C) {
      c0 = n == 4 ? wasm_v128_load(q0 + j) : load_lanes(q0 + j, n);
      c1 = n == 4 ? wasm_v128_load(q1 + j) : load_lanes(q1 + j, n);
      c2 = n == 4 ? wasm_v128_load(q2 + j) : load_lanes(q2 + j, n);
      c3 = n == 4 ? wasm_v128_load(q3 + j) : load_lanes(q3 + j, n);
    }
    const f32 *bp = p->B + j;
    i32 ko = 0;
    const i32 whole = n == 4 ? K : K - 1;
    i32 k = 0;
    for (; k < whole; k++, ko += aCs, bp += bRs) {
      v128_t x = wasm_v128_load(bp);
      c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(a0 + ko), x));
      c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load32_splat(a1 + ko), x));
      c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_v128_load32_splat(a2 + ko), x));
      c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_v128_load32_splat(a3 + ko), x));
    }
    if (k < K) {
      v128_t x = load_lanes(bp, n);
      c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(a0 + ko), x));
      c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load32_splat(a1 + ko), x));
      c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_v128_load32_splat(a2 + ko), x));
      c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_v128_load32_splat(a3 + ko), x));
    }
    v128_t acc[4] = {c0, c1, c2, c3};
    if (n == 4) store_tile(p, flags, i, j, rows, 1, acc);
    else store_lanes(p, flags, i, j, rows, n, acc);
  }
}

/* All of M's rows with one epilogue: `flags` is a constant in each call, so each has its own loops. */
static inline void mm_all(const Product *p, i32 flags, i32 M, i32 N, const f32 *A, i32 aRs) {
  i32 i = 0;
  for (; i + 4 <= M; i += 4) {
    const f32 *a0 = A + i * aRs;
    mm_rows4(p, flags, N, i, 4, a0, a0 + aRs, a0 + 2 * aRs, a0 + 3 * aRs);
  }
  if (i < M) {
    const i32 rows = M - i;
    const f32 *a0 = A + i * aRs, *last = A + (M - 1) * aRs;
    mm_rows4(p, flags, N, i, rows, a0, rows > 1 ? a0 + aRs : last, rows > 2 ? a0 + 2 * aRs : last, last);
  }
}

/*
 * C[i, j] = epilogue(bias[j] + sum_k A[i aRs + k aCs] B[k bRs + j]) for i < M, j < N, k < K:
 * B's rows contiguous (a transposed weight is transposed into scratch first), A by strides, so
 * x W, x^T dy (aRs = 1) and dy W^T (via transpose) are all this one kernel. bias may be 0 (none);
 * aux (ADD_AUX, RELU_MASK_AUX) is [M, N] with row stride auxRs. Every element is the bias plus its
 * K products added in order, one multiply and one add each, whichever tile holds it: a call over
 * some of the rows gives those rows bit for bit.
 */
EXPORT(mm)
void mm(i32 M, i32 N, i32 K, const f32 *A, i32 aRs, i32 aCs, const f32 *B, i32 bRs, f32 *C,
        i32 cRs, const f32 *bias, const f32 *aux, i32 auxRs, i32 flags) {
  flags &= RELU | ADD_AUX | RELU_MASK_AUX | ACCUMULATE;
  if (flags == 0 && !bias && aRs == 1 && K > K_CHUNK) {
    /*
     * x^T dy over many rows: a 4 x 8 tile's K rows of both would stream from the L2 cache, so K
     * goes in chunks over all the tiles, each tile's sums kept in C between chunks (exact in
     * float: the same additions in the same order as one pass).
     */
    const Product first = {K_CHUNK, aCs, bRs, cRs, auxRs, B, 0, 0, C};
    mm_all(&first, 0, M, N, A, aRs);
    for (i32 k0 = K_CHUNK; k0 < K; k0 += K_CHUNK) {
      const Product next = {K - k0 < K_CHUNK ? K - k0 : K_CHUNK, aCs, bRs, cRs, auxRs, B + k0 * bRs, 0, 0, C};
      mm_all(&next, FROM_C, M, N, A + k0 * aCs, aRs);
    }
    return;
  }
  const Product p = {K, aCs, bRs, cRs, auxRs, B, bias, aux, C};
  switch (flags) {
  case 0: mm_all(&p, 0, M, N, A, aRs); break;
  case RELU: mm_all(&p, RELU, M, N, A, aRs); break;
  case ADD_AUX: mm_all(&p, ADD_AUX, M, N, A, aRs); break;
  case RELU_MASK_AUX: mm_all(&p, RELU_MASK_AUX, M, N, A, aRs); break;
  default: mm_all(&p, flags, M, N, A, aRs);
  }
}

/* out[j] = sum_r B[r bRs + j]: the bias's gradient, the row of ones times dy. */
EXPORT(colsum)
void colsum(i32 R, i32 N, const f32 *B, i32 bRs, f32 *out) {
  i32 j = 0;
  for (; j + 4 <= N; j += 4) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (i32 r = 0; r < R; r++) acc = wasm_f32x4_add(acc, wasm_v128_load(B + r * bRs + j));
    wasm_v128_store(out + j, acc);
  }
  for (; j < N; j++) {
    f32 acc = 0.0f;
    for (i32 r = 0; r < R; r++) acc += B[r * bRs + j];
    out[j] = acc;
  }
}

/* dst [cols, rows] = src [rows, cols]^T, dst's rows dRs apart: 4 x 4 blocks in registers, then the edges. */
EXPORT(transpose)
void transpose(i32 rows, i32 cols, const f32 *src, f32 *dst, i32 dRs) {
  i32 r = 0;
  for (; r + 4 <= rows; r += 4) {
    const f32 *s0 = src + r * cols;
    i32 c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t x0 = wasm_v128_load(s0 + c), x1 = wasm_v128_load(s0 + cols + c);
      v128_t x2 = wasm_v128_load(s0 + 2 * cols + c), x3 = wasm_v128_load(s0 + 3 * cols + c);
      v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
      v128_t t2 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
      f32 *d = dst + c * dRs + r;
      wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
      wasm_v128_store(d + dRs, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
      wasm_v128_store(d + 2 * dRs, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
      wasm_v128_store(d + 3 * dRs, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (; c < cols; c++)
      for (i32 q = 0; q < 4; q++) dst[c * dRs + r + q] = s0[q * cols + c];
  }
  for (; r < rows; r++)
    for (i32 c = 0; c < cols; c++) dst[c * dRs + r] = src[r * cols + c];
}

/* ---------- layer norm ---------- */

#define LN_EPS 1e-5f

static inline f32 hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

/*
 * Per row: mean and variance over D (four lanes, then the lanes in a fixed order; D is a multiple
 * of 4, as the head width is), then y = (x - mean) rstd g + b; xhat and rstd kept when asked.
 */
EXPORT(layer_norm)
void layer_norm(i32 R, i32 D, const f32 *x, const f32 *g, const f32 *b, f32 *y, f32 *xhat, f32 *rstd) {
  for (i32 r = 0; r < R; r++) {
    const f32 *xr = x + r * D;
    v128_t s = wasm_f32x4_splat(0.0f);
    for (i32 c = 0; c < D; c += 4) s = wasm_f32x4_add(s, wasm_v128_load(xr + c));
    const f32 mean = hsum(s) / (f32)D;
    const v128_t m = wasm_f32x4_splat(mean);
    v128_t q = wasm_f32x4_splat(0.0f);
    for (i32 c = 0; c < D; c += 4) {
      v128_t z = wasm_f32x4_sub(wasm_v128_load(xr + c), m);
      q = wasm_f32x4_add(q, wasm_f32x4_mul(z, z));
    }
    const f32 inv = 1.0f / __builtin_sqrtf(hsum(q) / (f32)D + LN_EPS);
    if (rstd) rstd[r] = inv;
    const v128_t iv = wasm_f32x4_splat(inv);
    for (i32 c = 0; c < D; c += 4) {
      v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + c), m), iv);
      if (xhat) wasm_v128_store(xhat + r * D + c, h);
      wasm_v128_store(y + r * D + c, wasm_f32x4_add(wasm_f32x4_mul(h, wasm_v128_load(g + c)), wasm_v128_load(b + c)));
    }
  }
}

/* dx (+)= rstd (dh - mean(dh) - xhat mean(dh xhat)), dh = dy g; gradG = sum dy xhat, gradB = sum dy. */
EXPORT(layer_norm_grad)
void layer_norm_grad(i32 R, i32 D, const f32 *g, const f32 *dy, const f32 *xhat, const f32 *rstd,
                     f32 *dx, i32 accumulate, f32 *gradG, f32 *gradB) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (i32 c = 0; c < D; c += 4) {
    wasm_v128_store(gradG + c, zero);
    wasm_v128_store(gradB + c, zero);
  }
  for (i32 r = 0; r < R; r++) {
    const f32 *d = dy + r * D, *h = xhat + r * D;
    v128_t sdh = zero, sdhh = zero;
    for (i32 c = 0; c < D; c += 4) {
      v128_t dv = wasm_v128_load(d + c), hv = wasm_v128_load(h + c);
      v128_t dh = wasm_f32x4_mul(dv, wasm_v128_load(g + c));
      sdh = wasm_f32x4_add(sdh, dh);
      sdhh = wasm_f32x4_add(sdhh, wasm_f32x4_mul(dh, hv));
      wasm_v128_store(gradG + c, wasm_f32x4_add(wasm_v128_load(gradG + c), wasm_f32x4_mul(dv, hv)));
      wasm_v128_store(gradB + c, wasm_f32x4_add(wasm_v128_load(gradB + c), dv));
    }
    const v128_t mdh = wasm_f32x4_splat(hsum(sdh) / (f32)D), mdhh = wasm_f32x4_splat(hsum(sdhh) / (f32)D);
    const v128_t s = wasm_f32x4_splat(rstd[r]);
    f32 *o = dx + r * D;
    for (i32 c = 0; c < D; c += 4) {
      v128_t dh = wasm_f32x4_mul(wasm_v128_load(d + c), wasm_v128_load(g + c));
      v128_t v = wasm_f32x4_mul(s, wasm_f32x4_sub(wasm_f32x4_sub(dh, mdh), wasm_f32x4_mul(wasm_v128_load(h + c), mdhh)));
      wasm_v128_store(o + c, accumulate ? wasm_f32x4_add(wasm_v128_load(o + c), v) : v);
    }
  }
}

/* ---------- attention ---------- */

/*
 * Rows are packed: sequence n holds rows seq[n] .. seq[n + 1] - 1 (its positions 0, 1, ...), at most
 * S of them; the rows after a sequence's last scored target are left out by the host, since
 * nothing before them depends on them. Row r of a sequence is row seq[n] + r of every [rows, .]
 * buffer; probabilities are [N, H, S, S] with the full S. Head widths are multiples of 4 (engine.ts
 * checks).
 */


/*
 * [a . x0, a . x1, a . x2, a . x3] over n floats (n a multiple of 4): four dot products in one
 * vector, each summed in the same order as every other.
 */
static inline v128_t dot4x4(const f32 *a, const f32 *x0, const f32 *x1, const f32 *x2, const f32 *x3, i32 n) {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
  for (i32 c = 0; c < n; c += 4) {
    v128_t av = wasm_v128_load(a + c);
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(x0 + c)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(x1 + c)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(av, wasm_v128_load(x2 + c)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(av, wasm_v128_load(x3 + c)));
  }
  /* Lane l of the result: (s_l[0] + s_l[2]) + (s_l[1] + s_l[3]). */
  v128_t t01 = wasm_f32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
  v128_t t23 = wasm_f32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(t01, t23, 0, 1, 4, 5), wasm_i32x4_shuffle(t01, t23, 2, 3, 6, 7));
}

/*
 * out[j] = scale (a . x_j) for j = 0 .. count - 1, x_j = x + j xRs; four at a time (the last block
 * repeats x_{count-1} for the lanes past count, which are not stored).
 */
static inline void dots(const f32 *a, const f32 *x, i32 xRs, i32 count, i32 n, f32 scale, f32 *out) {
  const v128_t sc = wasm_f32x4_splat(scale);
  for (i32 j = 0; j < count; j += 4) {
    const i32 last = count - 1;
    const f32 *x0 = x + j * xRs;
    const f32 *x1 = x + (j + 1 <= last ? j + 1 : last) * xRs;
    const f32 *x2 = x + (j + 2 <= last ? j + 2 : last) * xRs;
    const f32 *x3 = x + (j + 3 <= last ? j + 3 : last) * xRs;
    v128_t s = wasm_f32x4_mul(dot4x4(a, x0, x1, x2, x3, n), sc);
    if (j + 4 <= count) {
      wasm_v128_store(out + j, s);
    } else {
      f32 lanes[4];
      wasm_v128_store(lanes, s);
      for (i32 l = 0; j + l < count; l++) out[j + l] = lanes[l];
    }
  }
}

/* Softmax in place over p[0 .. count - 1] (exp four at a time), then p[count .. width - 1] = 0. */
static inline void softmax_row(f32 *p, i32 count, i32 width) {
  v128_t m4 = wasm_f32x4_splat(-3.0e38f);
  i32 j = 0;
  for (; j + 4 <= count; j += 4) m4 = wasm_f32x4_pmax(m4, wasm_v128_load(p + j));
  f32 mx = wasm_f32x4_extract_lane(m4, 0);
  if (wasm_f32x4_extract_lane(m4, 1) > mx) mx = wasm_f32x4_extract_lane(m4, 1);
  if (wasm_f32x4_extract_lane(m4, 2) > mx) mx = wasm_f32x4_extract_lane(m4, 2);
  if (wasm_f32x4_extract_lane(m4, 3) > mx) mx = wasm_f32x4_extract_lane(m4, 3);
  for (; j < count; j++)
    if (p[j] > mx) mx = p[j];
  const v128_t mv = wasm_f32x4_splat(mx);
  v128_t s4 = wasm_f32x4_splat(0.0f);
  j = 0;
  for (; j + 4 <= count; j += 4) {
    v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(p + j), mv));
    wasm_v128_store(p + j, e);
    s4 = wasm_f32x4_add(s4, e);
  }
  f32 sum = hsum(s4);
  for (; j < count; j++) {
    f32 e = expf_fast(p[j] - mx);
    p[j] = e;
    sum += e;
  }
  const v128_t iv = wasm_f32x4_splat(sum);
  j = 0;
  for (; j + 4 <= count; j += 4) wasm_v128_store(p + j, wasm_f32x4_div(wasm_v128_load(p + j), iv));
  for (; j < count; j++) p[j] = p[j] / sum;
  for (; j < width; j++) p[j] = 0.0f;
}

/*
 * o[0 .. n - 1] = sum_j w[j] x_j for j = 0 .. count - 1 (x_j = x + j xRs), in order of j, held in
 * registers 16 floats at a time.
 */
static inline void weighted_sum(f32 *o, const f32 *w, i32 wStride, const f32 *x, i32 xRs, i32 count, i32 n) {
  i32 c = 0;
  for (; c + 16 <= n; c += 16) {
    v128_t o0 = wasm_f32x4_splat(0.0f), o1 = o0, o2 = o0, o3 = o0;
    const f32 *xj = x + c;
    for (i32 j = 0; j < count; j++, xj += xRs) {
      v128_t s = wasm_f32x4_splat(w[j * wStride]);
      o0 = wasm_f32x4_add(o0, wasm_f32x4_mul(s, wasm_v128_load(xj)));
      o1 = wasm_f32x4_add(o1, wasm_f32x4_mul(s, wasm_v128_load(xj + 4)));
      o2 = wasm_f32x4_add(o2, wasm_f32x4_mul(s, wasm_v128_load(xj + 8)));
      o3 = wasm_f32x4_add(o3, wasm_f32x4_mul(s, wasm_v128_load(xj + 12)));
    }
    wasm_v128_store(o + c, o0);
    wasm_v128_store(o + c + 4, o1);
    wasm_v128_store(o + c + 8, o2);
    wasm_v128_store(o + c + 12, o3);
  }
  for (; c < n; c += 4) {
    v128_t o0 = wasm_f32x4_splat(0.0f);
    const f32 *xj = x + c;
    for (i32 j = 0; j < count; j++, xj += xRs)
      o0 = wasm_f32x4_add(o0, wasm_f32x4_mul(wasm_f32x4_splat(w[j * wStride]), wasm_v128_load(xj)));
    wasm_v128_store(o + c, o0);
  }
}

/* Causal attention of every (sequence, head): qkv [rows, 3D] -> ctx [rows, D], probs. */
EXPORT(attention)
void attention(i32 N, const i32 *seq, i32 S, i32 D, i32 H, const f32 *qkv, f32 *ctx, f32 *probs) {
  i32 HD = D / H;
  f32 scale = 1.0f / __builtin_sqrtf((f32)HD);
  for (i32 n = 0; n < N; n++)
    for (i32 h = 0; h < H; h++) {
      const i32 base = seq[n], len = seq[n + 1] - seq[n];
      const f32 *qkvn = qkv + base * 3 * D;
      f32 *ctxn = ctx + base * D;
      f32 *p = probs + (n * H + h) * S * S;
      for (i32 i = 0; i < len; i++) {
        f32 *pi = p + i * S;
        dots(qkvn + i * 3 * D + h * HD, qkvn + D + h * HD, 3 * D, i + 1, HD, scale, pi);
        softmax_row(pi, i + 1, S);
        weighted_sum(ctxn + i * D + h * HD, pi, 1, qkvn + 2 * D + h * HD, 3 * D, i + 1, HD);
      }
    }
}

/* The backward pass: gqkv [rows, 3D] from gctx and the saved probabilities; ds: S S scratch. */
EXPORT(attention_grad)
void attention_grad(i32 N, const i32 *seq, i32 S, i32 D, i32 H, const f32 *qkv, const f32 *gctx,
                    const f32 *probs, f32 *gqkv, f32 *ds) {
  i32 HD = D / H;
  f32 scale = 1.0f / __builtin_sqrtf((f32)HD);
  for (i32 n = 0; n < N; n++)
    for (i32 h = 0; h < H; h++) {
      const i32 base = seq[n], len = seq[n + 1] - seq[n];
      const f32 *p = probs + (n * H + h) * S * S;
      for (i32 i = 0; i < len; i++) {
        const f32 *g = gctx + (base + i) * D + h * HD;
        f32 *dsi = ds + i * S;
        const f32 *pi = p + i * S;
        /* ds = p (g . v_j - sum_j p g . v_j) scale */
        dots(g, qkv + base * 3 * D + 2 * D + h * HD, 3 * D, i + 1, HD, 1.0f, dsi);
        f32 dot = 0.0f;
        for (i32 j = 0; j <= i; j++) dot += pi[j] * dsi[j];
        for (i32 j = 0; j <= i; j++) dsi[j] = pi[j] * (dsi[j] - dot) * scale;
      }
      for (i32 i = 0; i < len; i++) {
        f32 *dq = gqkv + (base + i) * 3 * D + h * HD, *dk = dq + D, *dv = dq + 2 * D;
        /* dq_i = sum_{j <= i} ds_ij k_j; dk_i = sum_{q >= i} ds_qi q_q; dv_i = sum_{q >= i} p_qi g_q. */
        weighted_sum(dq, ds + i * S, 1, qkv + base * 3 * D + D + h * HD, 3 * D, i + 1, HD);
        weighted_sum(dk, ds + i * S + i, S, qkv + (base + i) * 3 * D + h * HD, 3 * D, len - i, HD);
        weighted_sum(dv, p + i * S + i, S, gctx + (base + i) * D + h * HD, D, len - i, HD);
      }
    }
}

/* ---------- embeddings ---------- */

/* x[r] = wte[tok[r]] + wpe[pos[r]]: each packed row's input token and position. */
EXPORT(embed)
void embed(i32 R, i32 D, const f32 *wte, const f32 *wpe, const i32 *tok, const i32 *pos, f32 *x) {
  for (i32 r = 0; r < R; r++) {
    const f32 *a = wte + tok[r] * D, *b = wpe + pos[r] * D;
    for (i32 c = 0; c < D; c++) x[r * D + c] = a[c] + b[c];
  }
}

/* gwte[tok[r]] += gx[r] (the head's part is there already); gwpe[p] = the sum of gx over position p. */
EXPORT(embed_grad)
void embed_grad(i32 R, i32 D, i32 maxLen, const i32 *tok, const i32 *pos, const f32 *gx, f32 *gwte,
                f32 *gwpe) {
  for (i32 i = 0; i < maxLen * D; i++) gwpe[i] = 0.0f;
  for (i32 r = 0; r < R; r++) {
    const f32 *g = gx + r * D;
    f32 *a = gwte + tok[r] * D, *b = gwpe + pos[r] * D;
    for (i32 c = 0; c < D; c++) {
      a[c] += g[c];
      b[c] += g[c];
    }
  }
}

/* ---------- the head and the GRPO loss ---------- */

#define KL_BOUND 20.0f

/*
 * Per packed row r of logits [R, V] (hf wte^T, computed by mm), target tgt[r] of sequence seqOf[r]: add maskAdd (the never-emitted
 * tokens' -1e4), divide by the temperature, log-softmax; the target's log-probability, and in
 * mode 1 the loss's gradient with respect to the logits, written over the logits, and the row's
 * statistics [clip surrogate coef, clipped, kl, entropy mask]. rowData: [mask, coef] per row; adv:
 * the N advantages; logps: the reference's at r, the old policy's at oldAt + r; e: V floats of scratch. The tie rules are TF.js's:
 * min(a, b) sends the gradient to a when a <= b; a clip passes it on the closed interval.
 */
EXPORT(head_loss)
void head_loss(i32 R, i32 V, i32 mode, f32 *logits, const f32 *maskAdd, const i32 *tgts, const i32 *seqOf,
               const f32 *rowData, const f32 *advs, f32 *logps, i32 oldAt, f32 *rowStats, f32 temperature,
               f32 epsClip, f32 betaKL, f32 entCoef, f32 invValid, i32 firstPass, f32 *e) {
  const v128_t tv = wasm_f32x4_splat(temperature);
  const v128_t iota = wasm_i32x4_make(0, 1, 2, 3);
  /* Four logits at a time up to V4; the last V - V4 one by one (a row's tail is the next row's head). */
  const i32 V4 = V & ~3;
  for (i32 r = 0; r < R; r++) {
    i32 tgt = tgts[r];
    f32 *z = logits + r * V;
    v128_t m4 = wasm_f32x4_splat(-3.0e38f);
    for (i32 v = 0; v < V4; v += 4) {
      v128_t zv = wasm_f32x4_div(wasm_f32x4_add(wasm_v128_load(z + v), wasm_v128_load(maskAdd + v)), tv);
      wasm_v128_store(z + v, zv);
      m4 = wasm_f32x4_pmax(m4, zv);
    }
    f32 mx = wasm_f32x4_extract_lane(m4, 0);
    if (wasm_f32x4_extract_lane(m4, 1) > mx) mx = wasm_f32x4_extract_lane(m4, 1);
    if (wasm_f32x4_extract_lane(m4, 2) > mx) mx = wasm_f32x4_extract_lane(m4, 2);
    if (wasm_f32x4_extract_lane(m4, 3) > mx) mx = wasm_f32x4_extract_lane(m4, 3);
    for (i32 v = V4; v < V; v++) {
      f32 zv = (z[v] + maskAdd[v]) / temperature;
      z[v] = zv;
      if (zv > mx) mx = zv;
    }
    /* e = exp(z - max) once per logit, into the scratch row; p = e / sum. */
    const v128_t mv = wasm_f32x4_splat(mx);
    v128_t s4 = wasm_f32x4_splat(0.0f);
    for (i32 v = 0; v < V4; v += 4) {
      v128_t ev = exp4(wasm_f32x4_sub(wasm_v128_load(z + v), mv));
      wasm_v128_store(e + v, ev);
      s4 = wasm_f32x4_add(s4, ev);
    }
    f32 sum = hsum(s4);
    for (i32 v = V4; v < V; v++) {
      e[v] = expf_fast(z[v] - mx);
      sum += e[v];
    }
    f32 lse = mx + logf_(sum);
    if (mode == 0) {
      logps[r] = z[tgt] - lse;
      continue;
    }
    f32 inv = 1.0f / sum;
    const v128_t iv = wasm_f32x4_splat(inv), lv = wasm_f32x4_splat(lse);
    v128_t ent4 = wasm_f32x4_splat(0.0f);
    for (i32 v = 0; v < V4; v += 4) {
      v128_t pv = wasm_f32x4_mul(wasm_v128_load(e + v), iv);
      wasm_v128_store(e + v, pv);
      ent4 = wasm_f32x4_sub(ent4, wasm_f32x4_mul(pv, wasm_f32x4_sub(wasm_v128_load(z + v), lv)));
    }
    f32 entropy = hsum(ent4);
    for (i32 v = V4; v < V; v++) {
      e[v] *= inv;
      entropy -= e[v] * (z[v] - lse);
    }
    f32 logp = z[tgt] - lse;
    f32 m = rowData[2 * r], coef = rowData[2 * r + 1], adv = advs[seqOf[r]];
    f32 logpOld = firstPass ? logp : logps[oldAt + r];
    f32 ratio = expf_((logp - logpOld) * m);
    f32 unclipped = ratio * adv;
    f32 lo = 1.0f - epsClip, hi = 1.0f + epsClip;
    f32 cl = ratio < lo ? lo : ratio > hi ? hi : ratio;
    f32 clipped = cl * adv;
    f32 surrogate = (unclipped <= clipped ? unclipped : clipped) * m;
    f32 dRatio = 0.0f;
    if (unclipped <= clipped) dRatio = adv * m;
    else if (ratio >= lo && ratio <= hi) dRatio = adv * m;
    f32 gLogp = -coef * dRatio * ratio * m;
    f32 raw = (logps[r] - logp) * m;
    f32 lr = raw < -KL_BOUND ? -KL_BOUND : raw > KL_BOUND ? KL_BOUND : raw;
    f32 elr = expf_(lr);
    f32 kl = (elr - lr - 1.0f) * m;
    if (betaKL != 0.0f && raw >= -KL_BOUND && raw <= KL_BOUND) gLogp -= betaKL * invValid * m * (elr - 1.0f) * m;
    f32 gEnt = -entCoef * invValid * m;
    const v128_t gl = wasm_f32x4_splat(gLogp), ge = wasm_f32x4_splat(gEnt), en = wasm_f32x4_splat(entropy);
    const v128_t tg = wasm_i32x4_splat(tgt), one = wasm_f32x4_splat(1.0f);
    for (i32 v = 0; v < V4; v += 4) {
      v128_t lp = wasm_f32x4_sub(wasm_v128_load(z + v), lv);
      v128_t pv = wasm_v128_load(e + v);
      v128_t onehot = wasm_v128_and(wasm_i32x4_eq(wasm_i32x4_add(iota, wasm_i32x4_splat(v)), tg), one);
      v128_t gz = wasm_f32x4_sub(wasm_f32x4_mul(gl, wasm_f32x4_sub(onehot, pv)),
                                 wasm_f32x4_mul(wasm_f32x4_mul(ge, pv), wasm_f32x4_add(lp, en)));
      wasm_v128_store(z + v, wasm_f32x4_div(gz, tv));
    }
    for (i32 v = V4; v < V; v++) {
      f32 lp = z[v] - lse;
      f32 p = e[v];
      f32 onehot = v == tgt ? 1.0f : 0.0f;
      z[v] = (gLogp * (onehot - p) - gEnt * p * (lp + entropy)) / temperature;
    }
    if (firstPass) logps[oldAt + r] = logp;
    rowStats[4 * r] = surrogate * coef;
    rowStats[4 * r + 1] = clipped < unclipped ? m : 0.0f;
    rowStats[4 * r + 2] = kl;
    rowStats[4 * r + 3] = entropy * m;
  }
}

/* ---------- the optimizer ---------- */

/* The sums of each of the four row statistics, into out[0..3]. */
EXPORT(row_stats_sum)
void row_stats_sum(i32 R, const f32 *rowStats, f32 *out) {
  f32 a = 0.0f, b = 0.0f, c = 0.0f, d = 0.0f;
  for (i32 r = 0; r < R; r++) {
    a += rowStats[4 * r];
    b += rowStats[4 * r + 1];
    c += rowStats[4 * r + 2];
    d += rowStats[4 * r + 3];
  }
  out[0] = a;
  out[1] = b;
  out[2] = c;
  out[3] = d;
}

/* sqrt(sum g^2) over the arena: four lanes, then the lanes in a fixed order. */
EXPORT(grad_norm)
f32 grad_norm(i32 total, const f32 *g) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  i32 i = 0;
  for (; i + 4 <= total; i += 4) {
    v128_t x = wasm_v128_load(g + i);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, x));
  }
  f32 s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
          wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (; i < total; i++) s += g[i] * g[i];
  return __builtin_sqrtf(s);
}

/* Clip by `clip` and Adam (no weight decay) over the arena, as the WebGPU engine's adam kernel. */
EXPORT(adam)
void adam(i32 total, f32 *p, const f32 *g, f32 *m1, f32 *m2, f32 clip, f32 beta1, f32 beta2, f32 stepSize,
          f32 invSqrtBc2, f32 eps) {
  /* Four at a time, each lane the scalar loop's operations in its order; the last ones alone. */
  const v128_t cl = wasm_f32x4_splat(clip), b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2);
  const v128_t c1 = wasm_f32x4_splat(1.0f - beta1), c2 = wasm_f32x4_splat(1.0f - beta2);
  const v128_t st = wasm_f32x4_splat(stepSize), ib = wasm_f32x4_splat(invSqrtBc2), ep = wasm_f32x4_splat(eps);
  i32 i = 0;
  for (; i + 4 <= total; i += 4) {
    v128_t gi = wasm_f32x4_mul(wasm_v128_load(g + i), cl);
    v128_t m = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m1 + i)), wasm_f32x4_mul(c1, gi));
    v128_t v = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(m2 + i)), wasm_f32x4_mul(wasm_f32x4_mul(c2, gi), gi));
    wasm_v128_store(m1 + i, m);
    wasm_v128_store(m2 + i, v);
    v128_t den = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sqrt(v), ib), ep);
    wasm_v128_store(p + i, wasm_f32x4_sub(wasm_v128_load(p + i), wasm_f32x4_div(wasm_f32x4_mul(st, m), den)));
  }
  for (; i < total; i++) {
    f32 gi = g[i] * clip;
    f32 m = beta1 * m1[i] + (1.0f - beta1) * gi;
    f32 v = beta2 * m2[i] + (1.0f - beta2) * gi * gi;
    m1[i] = m;
    m2[i] = v;
    p[i] = p[i] - (stepSize * m) / (__builtin_sqrtf(v) * invSqrtBc2 + eps);
  }
}

/*
 * ---------- sampling, every rollout one position at a time ----------
 * Only the rollouts still running: row a of the step's buffers is rollout act[a] (its tokens,
 * its cache, its draws); a rollout that has emitted eos reads <pad> from then on and is dropped.
 */

/* x[a] = wte[tokens[act[a] T + pos]] + wpe[pos]. */
EXPORT(embed_step)
void embed_step(i32 A, const i32 *act, i32 T, i32 pos, i32 D, const f32 *wte, const f32 *wpe, const i32 *tokens,
                f32 *x) {
  for (i32 i = 0; i < A; i++) {
    const f32 *a = wte + tokens[act[i] * T + pos] * D, *b = wpe + pos * D;
    for (i32 c = 0; c < D; c++) x[i * D + c] = a[c] + b[c];
  }
}

/*
 * One position's attention with a key/value cache: qkv [N, 3D] of this position; its k and v go
 * to the cache (k [N, T, D] at kc, v at vc), then each head attends over positions 0..pos.
 * sc: T scratch.
 */
EXPORT(attention_step)
void attention_step(i32 A, const i32 *act, i32 T, i32 pos, i32 D, i32 H, const f32 *qkv, f32 *kc, f32 *vc,
                    f32 *ctx, f32 *sc) {
  i32 HD = D / H;
  f32 scale = 1.0f / __builtin_sqrtf((f32)HD);
  for (i32 a = 0; a < A; a++) {
    const i32 n = act[a];
    const f32 *q = qkv + a * 3 * D;
    f32 *kn = kc + n * T * D, *vn = vc + n * T * D;
    for (i32 c = 0; c < D; c += 4) {
      wasm_v128_store(kn + pos * D + c, wasm_v128_load(q + D + c));
      wasm_v128_store(vn + pos * D + c, wasm_v128_load(q + 2 * D + c));
    }
    for (i32 h = 0; h < H; h++) {
      dots(q + h * HD, kn + h * HD, D, pos + 1, HD, scale, sc);
      softmax_row(sc, pos + 1, pos + 1);
      weighted_sum(ctx + a * D + h * HD, sc, 1, vn + h * HD, D, pos + 1, HD);
    }
  }
}

/*
 * The next token of each running rollout from logits [A, V]: never-emitted tokens masked, plus the
 * temperature times Gumbel noise from the raw draws [N, V] (none when greedy), the first maximum;
 * <pad> after <eos>. done [N] (i32) holds which rollouts have ended; g (V floats of scratch) is no
 * longer needed: the noise is drawn four at a time as it is added.
 */
EXPORT(sample_pick)
void sample_pick(i32 A, const i32 *act, i32 V, i32 T, i32 pos, const f32 *logits, const f32 *maskAdd,
                 const unsigned *draws, i32 greedy, f32 temperature, i32 *tokens, i32 *done, i32 pad, i32 eos,
                 f32 *g) {
  for (i32 a = 0; a < A; a++) {
    const i32 n = act[a];
    const f32 *z = logits + a * V;
    const unsigned *d = draws + n * V;
    /* Four logits at a time, each lane keeping its first maximum; then the lanes' first maximum and
     * the tail one by one: the first maximum of the row. */
    const i32 V4 = V & ~3;
    const v128_t tv = wasm_f32x4_splat(temperature);
    v128_t bestV = wasm_f32x4_splat(-3.4e38f), bestI = wasm_i32x4_splat(0);
    v128_t idx = wasm_i32x4_make(0, 1, 2, 3);
    for (i32 v = 0; v < V4; v += 4, idx = wasm_i32x4_add(idx, wasm_i32x4_splat(4))) {
      v128_t acc = wasm_f32x4_add(wasm_v128_load(z + v), wasm_v128_load(maskAdd + v));
      if (!greedy) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(tv, gumbel4(wasm_v128_load(d + v))));
      v128_t better = wasm_f32x4_gt(acc, bestV);
      if (v == 0) better = wasm_i32x4_splat(-1);
      bestV = wasm_v128_bitselect(acc, bestV, better);
      bestI = wasm_v128_bitselect(idx, bestI, better);
    }
    f32 vals[4];
    i32 inds[4];
    wasm_v128_store(vals, bestV);
    wasm_v128_store(inds, bestI);
    i32 best = 0;
    f32 bestValue = -3.4e38f;
    i32 have = 0;
    if (V4 > 0)
      for (i32 l = 0; l < 4; l++)
        if (!have || vals[l] > bestValue || (vals[l] == bestValue && inds[l] < best)) {
          bestValue = vals[l];
          best = inds[l];
          have = 1;
        }
    for (i32 v = V4; v < V; v++) {
      f32 acc = z[v] + maskAdd[v];
      if (!greedy) {
        f32 u = (f32)d[v] * 2.3283064365386963e-10f;
        acc += temperature * -logf_fast(-logf_fast(u + 1e-20f) + 1e-20f);
      }
      if (!have || acc > bestValue) {
        bestValue = acc;
        best = v;
        have = 1;
      }
    }
    i32 t = done[n] ? pad : best;
    if (t == eos) done[n] = 1;
    tokens[n * T + pos + 1] = t;
  }
}
