// One Adam step on every parameter, as torch.optim.Adam's single-tensor
// path: L2 weight decay added to the gradient, the moments updated, then eps
// added after dividing sqrt(m2) by sqrt(1 - beta2^step). 1 - beta and the
// bias corrections come from the host, computed in double precision as PyTorch
// computes them.
fn main_body(i: u32) {
  let g = grad[i] + u.weight_decay * param[i];
  let m = u.beta1 * m1[i] + u.one_minus_beta1 * g;
  let v = u.beta2 * m2[i] + u.one_minus_beta2 * g * g;
  m1[i] = m;
  m2[i] = v;
  let denom = sqrt(v) / u.bias_correction2_sqrt + u.eps;
  param[i] = param[i] - u.step_size * m / denom;
}
