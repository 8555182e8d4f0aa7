// One Adam step (PyTorch's, with L2 weight decay added to the gradient and
// bias correction by the 1-based step count) on every parameter.
fn main_body(i: u32) {
  let g = grad[i] + u.weight_decay * param[i];
  let m = u.beta1 * m1[i] + (1.0 - u.beta1) * g;
  let v = u.beta2 * m2[i] + (1.0 - u.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  let bc1 = 1.0 - pow(u.beta1, f32(u.step));
  let bc2 = 1.0 - pow(u.beta2, f32(u.step));
  param[i] = param[i] - u.lr / bc1 * m / (sqrt(v / bc2) + u.eps);
}
