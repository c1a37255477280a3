/**
 * Tree reductions over one workgroup, for the kernels that sum or take the maximum of a row:
 * a fixed order, so a result is the same every run. Call from uniform control flow (they hold
 * barriers); `size` is the workgroup size, a power of two.
 */
export function workgroupReductions(size: number): string {
  const fn = (name: string, combine: string) => `
fn ${name}(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = ${combine}; }
    workgroupBarrier();
  }
  let out = red[0];
  workgroupBarrier();
  return out;
}`;
  return `var<workgroup> red: array<f32, ${size}>;
${fn('wgSum', 'red[lid] + red[lid + s]')}
${fn('wgMax', 'max(red[lid], red[lid + s])')}`;
}
