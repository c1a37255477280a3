/*
 * The fused CPU engine's kernels: the plan of the fused WebGPU engine (one dense product kernel
 * with a bias row and epilogues, layer norm and its gradient, attention and its gradient, the
 * head's loss, the embeddings, the gradient norm and Adam) as plain C for wasm32 with SIMD128.
 * No libc: every pointer is an offset into the module's own linear memory, which the host
 * (engine.ts) lays out; exp and log are computed here in double precision, so their float results
 * are correctly rounded nearly always, as TF.js's cpu kernels (Math.exp in double) give them.
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

/*
 * C[i, j] = epilogue(bias[j] + sum_k A[i aRs + k aCs] B[k bRs + j]) for i < M, j < N, k < K:
 * B's rows contiguous (a transposed weight is transposed into scratch first), A by strides, so
 * x W, x^T dy (aRs = 1) and dy W^T (via transpose) are all this one kernel. bias may be 0 (none);
 * aux (ADD_AUX, RELU_MASK_AUX) is [M, N] with row stride auxRs. Register tiles of 4 rows by 8
 * columns: 8 v128 accumulators, K innermost.
 */
EXPORT(mm)
void mm(i32 M, i32 N, i32 K, const f32 *A, i32 aRs, i32 aCs, const f32 *B, i32 bRs, f32 *C,
        i32 cRs, const f32 *bias, const f32 *aux, i32 auxRs, i32 flags) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  i32 i = 0;
  for (; i + 4 <= M; i += 4) {
    const f32 *a0 = A + i * aRs, *a1 = a0 + aRs, *a2 = a1 + aRs, *a3 = a2 + aRs;
    i32 j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t b0i = bias ? wasm_v128_load(bias + j) : zero;
      v128_t b1i = bias ? wasm_v128_load(bias + j + 4) : zero;
      v128_t c00 = b0i, c01 = b1i, c10 = b0i, c11 = b1i, c20 = b0i, c21 = b1i, c30 = b0i, c31 = b1i;
      const f32 *bp = B + j;
      for (i32 k = 0; k < K; k++) {
        v128_t x0 = wasm_v128_load(bp), x1 = wasm_v128_load(bp + 4);
        bp += bRs;
        i32 ko = k * aCs;
        v128_t s0 = wasm_f32x4_splat(a0[ko]);
        v128_t s1 = wasm_f32x4_splat(a1[ko]);
        v128_t s2 = wasm_f32x4_splat(a2[ko]);
        v128_t s3 = wasm_f32x4_splat(a3[ko]);
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
      for (i32 r = 0; r < 4; r++)
        for (i32 h = 0; h < 2; h++) {
          f32 *c = C + (i + r) * cRs + j + 4 * h;
          const f32 *x = aux ? aux + (i + r) * auxRs + j + 4 * h : 0;
          wasm_v128_store(c, epilogue4(acc[2 * r + h], c, x, flags));
        }
    }
    for (; j < N; j++) {
      for (i32 r = 0; r < 4; r++) {
        const f32 *a = A + (i + r) * aRs;
        f32 acc = bias ? bias[j] : 0.0f;
        for (i32 k = 0; k < K; k++) acc += a[k * aCs] * B[k * bRs + j];
        f32 *c = C + (i + r) * cRs + j;
        *c = epilogue1(acc, c, aux ? aux + (i + r) * auxRs + j : 0, flags);
      }
    }
  }
  for (; i < M; i++) {
    const f32 *a = A + i * aRs;
    i32 j = 0;
    for (; j + 4 <= N; j += 4) {
      v128_t acc = bias ? wasm_v128_load(bias + j) : zero;
      for (i32 k = 0; k < K; k++)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(a[k * aCs]), wasm_v128_load(B + k * bRs + j)));
      f32 *c = C + i * cRs + j;
      wasm_v128_store(c, epilogue4(acc, c, aux ? aux + i * auxRs + j : 0, flags));
    }
    for (; j < N; j++) {
      f32 acc = bias ? bias[j] : 0.0f;
      for (i32 k = 0; k < K; k++) acc += a[k * aCs] * B[k * bRs + j];
      f32 *c = C + i * cRs + j;
      *c = epilogue1(acc, c, aux ? aux + i * auxRs + j : 0, flags);
    }
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

/* dst [cols, rows] = src [rows, cols]^T, dst's rows dRs apart. */
EXPORT(transpose)
void transpose(i32 rows, i32 cols, const f32 *src, f32 *dst, i32 dRs) {
  for (i32 r = 0; r < rows; r++)
    for (i32 c = 0; c < cols; c++) dst[c * dRs + r] = src[r * cols + c];
}

/* ---------- layer norm ---------- */

#define LN_EPS 1e-5f

EXPORT(layer_norm)
void layer_norm(i32 R, i32 D, const f32 *x, const f32 *g, const f32 *b, f32 *y, f32 *xhat, f32 *rstd) {
  for (i32 r = 0; r < R; r++) {
    const f32 *xr = x + r * D;
    f32 mean = 0.0f;
    for (i32 c = 0; c < D; c++) mean += xr[c];
    mean /= (f32)D;
    f32 var = 0.0f;
    for (i32 c = 0; c < D; c++) {
      f32 z = xr[c] - mean;
      var += z * z;
    }
    f32 inv = 1.0f / __builtin_sqrtf(var / (f32)D + LN_EPS);
    if (rstd) rstd[r] = inv;
    for (i32 c = 0; c < D; c++) {
      f32 h = (xr[c] - mean) * inv;
      if (xhat) xhat[r * D + c] = h;
      y[r * D + c] = h * g[c] + b[c];
    }
  }
}

/* dx (+)= rstd (dh - mean(dh) - xhat mean(dh xhat)), dh = dy g; gradG = sum dy xhat, gradB = sum dy. */
EXPORT(layer_norm_grad)
void layer_norm_grad(i32 R, i32 D, const f32 *g, const f32 *dy, const f32 *xhat, const f32 *rstd,
                     f32 *dx, i32 accumulate, f32 *gradG, f32 *gradB) {
  for (i32 c = 0; c < D; c++) gradG[c] = gradB[c] = 0.0f;
  for (i32 r = 0; r < R; r++) {
    const f32 *d = dy + r * D, *h = xhat + r * D;
    f32 mdh = 0.0f, mdhh = 0.0f;
    for (i32 c = 0; c < D; c++) {
      f32 dh = d[c] * g[c];
      mdh += dh;
      mdhh += dh * h[c];
      gradG[c] += d[c] * h[c];
      gradB[c] += d[c];
    }
    mdh /= (f32)D;
    mdhh /= (f32)D;
    f32 s = rstd[r];
    f32 *o = dx + r * D;
    for (i32 c = 0; c < D; c++) {
      f32 v = s * (d[c] * g[c] - mdh - h[c] * mdhh);
      o[c] = accumulate ? o[c] + v : v;
    }
  }
}

/* ---------- attention ---------- */

/*
 * Rows are packed: sequence n holds rows seq[n] .. seq[n + 1] - 1 (its positions 0, 1, ...), at most
 * S of them; the rows after a sequence's last scored target are left out by the host, since
 * nothing before them depends on them. Row r of a sequence is row seq[n] + r of every [rows, .]
 * buffer; probabilities are [N, H, S, S] with the full S.
 */

static inline f32 hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

/* a . b over n floats, n a multiple of 4 (head widths are: engine.ts checks it). */
static inline f32 dot4(const f32 *a, const f32 *b, i32 n) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (i32 c = 0; c < n; c += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + c), wasm_v128_load(b + c)));
  return hsum(acc);
}

/* o += s x over n floats, n a multiple of 4. */
static inline void axpy4(f32 *o, f32 s, const f32 *x, i32 n) {
  v128_t sv = wasm_f32x4_splat(s);
  for (i32 c = 0; c < n; c += 4)
    wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_f32x4_mul(sv, wasm_v128_load(x + c))));
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
        const f32 *q = qkvn + i * 3 * D + h * HD;
        f32 mx = -3.0e38f;
        for (i32 j = 0; j <= i; j++) {
          f32 s = dot4(q, qkvn + j * 3 * D + D + h * HD, HD) * scale;
          p[i * S + j] = s;
          if (s > mx) mx = s;
        }
        f32 sum = 0.0f;
        for (i32 j = 0; j <= i; j++) {
          f32 e = expf_fast(p[i * S + j] - mx);
          p[i * S + j] = e;
          sum += e;
        }
        for (i32 j = 0; j < S; j++) p[i * S + j] = j <= i ? p[i * S + j] / sum : 0.0f;
        f32 *o = ctxn + i * D + h * HD;
        for (i32 c = 0; c < HD; c++) o[c] = 0.0f;
        for (i32 j = 0; j <= i; j++) axpy4(o, p[i * S + j], qkvn + j * 3 * D + 2 * D + h * HD, HD);
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
        f32 dot = 0.0f;
        for (i32 j = 0; j <= i; j++) {
          f32 s = dot4(g, qkv + (base + j) * 3 * D + 2 * D + h * HD, HD);
          ds[i * S + j] = s;
          dot += p[i * S + j] * s;
        }
        for (i32 j = 0; j <= i; j++) ds[i * S + j] = p[i * S + j] * (ds[i * S + j] - dot) * scale;
      }
      for (i32 i = 0; i < len; i++) {
        f32 *dq = gqkv + (base + i) * 3 * D + h * HD, *dk = dq + D, *dv = dq + 2 * D;
        for (i32 c = 0; c < HD; c++) dq[c] = dk[c] = dv[c] = 0.0f;
        for (i32 j = 0; j <= i; j++) axpy4(dq, ds[i * S + j], qkv + (base + j) * 3 * D + D + h * HD, HD);
        for (i32 q = i; q < len; q++) {
          axpy4(dk, ds[q * S + i], qkv + (base + q) * 3 * D + h * HD, HD);
          axpy4(dv, p[q * S + i], gctx + (base + q) * D + h * HD, HD);
        }
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
  for (i32 r = 0; r < R; r++) {
    i32 tgt = tgts[r];
    f32 *z = logits + r * V;
    f32 mx = -3.0e38f;
    for (i32 v = 0; v < V; v++) {
      f32 zv = (z[v] + maskAdd[v]) / temperature;
      z[v] = zv;
      if (zv > mx) mx = zv;
    }
    /* e = exp(z - max) once per logit (V padded to a multiple of 4 in scratch), p = e / sum. */
    i32 v4 = 0;
    for (; v4 + 4 <= V; v4 += 4)
      wasm_v128_store(e + v4, exp4(wasm_f32x4_sub(wasm_v128_load(z + v4), wasm_f32x4_splat(mx))));
    for (; v4 < V; v4++) e[v4] = expf_(z[v4] - mx);
    f32 sum = 0.0f;
    for (i32 v = 0; v < V; v++) sum += e[v];
    f32 lse = mx + logf_(sum);
    f32 inv = 1.0f / sum;
    f32 entropy = 0.0f;
    for (i32 v = 0; v < V; v++) {
      e[v] *= inv;
      entropy -= e[v] * (z[v] - lse);
    }
    f32 logp = z[tgt] - lse;
    if (mode == 0) {
      logps[r] = logp;
      continue;
    }
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
    for (i32 v = 0; v < V; v++) {
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
  for (i32 i = 0; i < total; i++) {
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
    for (i32 c = 0; c < D; c++) {
      kn[pos * D + c] = q[D + c];
      vn[pos * D + c] = q[2 * D + c];
    }
    for (i32 h = 0; h < H; h++) {
      f32 mx = -3.0e38f;
      for (i32 j = 0; j <= pos; j++) {
        f32 s = dot4(q + h * HD, kn + j * D + h * HD, HD) * scale;
        sc[j] = s;
        if (s > mx) mx = s;
      }
      f32 sum = 0.0f;
      for (i32 j = 0; j <= pos; j++) {
        f32 e = expf_fast(sc[j] - mx);
        sc[j] = e;
        sum += e;
      }
      f32 *o = ctx + a * D + h * HD;
      for (i32 c = 0; c < HD; c++) o[c] = 0.0f;
      for (i32 j = 0; j <= pos; j++) axpy4(o, sc[j] / sum, vn + j * D + h * HD, HD);
    }
  }
}

/*
 * The next token of each running rollout from logits [A, V]: never-emitted tokens masked, plus the
 * temperature times Gumbel noise from the raw draws [N, V] (none when greedy), the first maximum;
 * <pad> after <eos>. done [N] (i32) holds which rollouts have ended; g: V floats of scratch.
 */
EXPORT(sample_pick)
void sample_pick(i32 A, const i32 *act, i32 V, i32 T, i32 pos, const f32 *logits, const f32 *maskAdd,
                 const unsigned *draws, i32 greedy, f32 temperature, i32 *tokens, i32 *done, i32 pad, i32 eos,
                 f32 *g) {
  for (i32 a = 0; a < A; a++) {
    const i32 n = act[a];
    const f32 *z = logits + a * V;
    const unsigned *d = draws + n * V;
    /* The noise first, four draws at a time, into the scratch row g. */
    if (!greedy) {
      i32 v = 0;
      for (; v + 4 <= V; v += 4) wasm_v128_store(g + v, gumbel4(wasm_v128_load(d + v)));
      for (; v < V; v++) {
        f32 u = (f32)d[v] * 2.3283064365386963e-10f;
        g[v] = -logf_fast(-logf_fast(u + 1e-20f) + 1e-20f);
      }
    }
    i32 best = 0;
    f32 bestValue = -3.4e38f;
    for (i32 v = 0; v < V; v++) {
      f32 acc = z[v] + maskAdd[v];
      if (!greedy) acc += temperature * g[v];
      if (v == 0 || acc > bestValue) {
        bestValue = acc;
        best = v;
      }
    }
    i32 t = done[n] ? pad : best;
    if (t == eos) done[n] = 1;
    tokens[n * T + pos + 1] = t;
  }
}
