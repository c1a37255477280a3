/**
 * The fused wasm engine in the page's workers (trainer, backend probe, bench page): `auto` on the
 * wasm backend trains with the fused wasm SIMD kernels (src/core/engine/wasm), as Node's entry
 * points do; the cpu backend keeps TF.js ops, the bit-reproducible reference. Imported for its
 * effect by each worker that trains, so that the probe measures the engine that would really train.
 */
import { setFusedWasmDefault } from '../src/core/engine/create';

setFusedWasmDefault(true);
