// spindle/models/fast_exp.hpp: an inline exp for the exact models' per-input paths (lif_delta,
// lif_exp evaluate one or more exponentials of their trajectory per input; glibc's exp costs a
// call through the PLT and ~50 instructions there).
//
// Table-driven, after Tang, "Table-driven implementation of the exponential function in IEEE
// floating-point arithmetic", ACM TOMS 15(2):144-157 (1989): with N = 128,
//   x = k ln2 / N + r,  |r| <= ln2 / (2N),  exp(x) = 2^(k div N) * 2^((k mod N) / N) * exp(r),
// 2^(j/N) from a table, exp(r) - 1 from its Taylor polynomial to r^5 (the next term, r^6 / 720,
// is below 6e-19, 0.003 ulp), and 2^(k div N) added to the table entry's exponent bits. The
// error is the table entry's rounding, the last addition's and a little of the polynomial's: about
// 1 ulp (the unit test measures it against std::exp).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace spindle::models {

namespace fast_exp_detail {

inline constexpr int table_bits = 7;
inline constexpr std::uint64_t table_size = 1u << table_bits;  // N

/// 2^(j/128), j = 0..127, correctly rounded, as hex literals so that every compiler reads the
/// same bits. Generated with exact integer arithmetic (Python): for each j, f = the integer 128th
/// root of 2^(j + 128 (52 + 64)) (Newton's method on integers) is floor(2^(j/128) 2^116); the
/// mantissa is f >> 64 rounded to nearest by the 64 bits dropped (never a tie), printed as
/// "0x1.%013xp+0" of mantissa - 2^52.
inline constexpr std::array<double, table_size> two_to_j_over_n = {
    0x1.0000000000000p+0, 0x1.0163da9fb3335p+0, 0x1.02c9a3e778061p+0, 0x1.04315e86e7f85p+0,
    0x1.059b0d3158574p+0, 0x1.0706b29ddf6dep+0, 0x1.0874518759bc8p+0, 0x1.09e3ecac6f383p+0,
    0x1.0b5586cf9890fp+0, 0x1.0cc922b7247f7p+0, 0x1.0e3ec32d3d1a2p+0, 0x1.0fb66affed31bp+0,
    0x1.11301d0125b51p+0, 0x1.12abdc06c31ccp+0, 0x1.1429aaea92de0p+0, 0x1.15a98c8a58e51p+0,
    0x1.172b83c7d517bp+0, 0x1.18af9388c8deap+0, 0x1.1a35beb6fcb75p+0, 0x1.1bbe084045cd4p+0,
    0x1.1d4873168b9aap+0, 0x1.1ed5022fcd91dp+0, 0x1.2063b88628cd6p+0, 0x1.21f49917ddc96p+0,
    0x1.2387a6e756238p+0, 0x1.251ce4fb2a63fp+0, 0x1.26b4565e27cddp+0, 0x1.284dfe1f56381p+0,
    0x1.29e9df51fdee1p+0, 0x1.2b87fd0dad990p+0, 0x1.2d285a6e4030bp+0, 0x1.2ecafa93e2f56p+0,
    0x1.306fe0a31b715p+0, 0x1.32170fc4cd831p+0, 0x1.33c08b26416ffp+0, 0x1.356c55f929ff1p+0,
    0x1.371a7373aa9cbp+0, 0x1.38cae6d05d866p+0, 0x1.3a7db34e59ff7p+0, 0x1.3c32dc313a8e5p+0,
    0x1.3dea64c123422p+0, 0x1.3fa4504ac801cp+0, 0x1.4160a21f72e2ap+0, 0x1.431f5d950a897p+0,
    0x1.44e086061892dp+0, 0x1.46a41ed1d0057p+0, 0x1.486a2b5c13cd0p+0, 0x1.4a32af0d7d3dep+0,
    0x1.4bfdad5362a27p+0, 0x1.4dcb299fddd0dp+0, 0x1.4f9b2769d2ca7p+0, 0x1.516daa2cf6642p+0,
    0x1.5342b569d4f82p+0, 0x1.551a4ca5d920fp+0, 0x1.56f4736b527dap+0, 0x1.58d12d497c7fdp+0,
    0x1.5ab07dd485429p+0, 0x1.5c9268a5946b7p+0, 0x1.5e76f15ad2148p+0, 0x1.605e1b976dc09p+0,
    0x1.6247eb03a5585p+0, 0x1.6434634ccc320p+0, 0x1.6623882552225p+0, 0x1.68155d44ca973p+0,
    0x1.6a09e667f3bcdp+0, 0x1.6c012750bdabfp+0, 0x1.6dfb23c651a2fp+0, 0x1.6ff7df9519484p+0,
    0x1.71f75e8ec5f74p+0, 0x1.73f9a48a58174p+0, 0x1.75feb564267c9p+0, 0x1.780694fde5d3fp+0,
    0x1.7a11473eb0187p+0, 0x1.7c1ed0130c132p+0, 0x1.7e2f336cf4e62p+0, 0x1.80427543e1a12p+0,
    0x1.82589994cce13p+0, 0x1.8471a4623c7adp+0, 0x1.868d99b4492edp+0, 0x1.88ac7d98a6699p+0,
    0x1.8ace5422aa0dbp+0, 0x1.8cf3216b5448cp+0, 0x1.8f1ae99157736p+0, 0x1.9145b0b91ffc6p+0,
    0x1.93737b0cdc5e5p+0, 0x1.95a44cbc8520fp+0, 0x1.97d829fde4e50p+0, 0x1.9a0f170ca07bap+0,
    0x1.9c49182a3f090p+0, 0x1.9e86319e32323p+0, 0x1.a0c667b5de565p+0, 0x1.a309bec4a2d33p+0,
    0x1.a5503b23e255dp+0, 0x1.a799e1330b358p+0, 0x1.a9e6b5579fdbfp+0, 0x1.ac36bbfd3f37ap+0,
    0x1.ae89f995ad3adp+0, 0x1.b0e07298db666p+0, 0x1.b33a2b84f15fbp+0, 0x1.b59728de5593ap+0,
    0x1.b7f76f2fb5e47p+0, 0x1.ba5b030a1064ap+0, 0x1.bcc1e904bc1d2p+0, 0x1.bf2c25bd71e09p+0,
    0x1.c199bdd85529cp+0, 0x1.c40ab5fffd07ap+0, 0x1.c67f12e57d14bp+0, 0x1.c8f6d9406e7b5p+0,
    0x1.cb720dcef9069p+0, 0x1.cdf0b555dc3fap+0, 0x1.d072d4a07897cp+0, 0x1.d2f87080d89f2p+0,
    0x1.d5818dcfba487p+0, 0x1.d80e316c98398p+0, 0x1.da9e603db3285p+0, 0x1.dd321f301b460p+0,
    0x1.dfc97337b9b5fp+0, 0x1.e264614f5a129p+0, 0x1.e502ee78b3ff6p+0, 0x1.e7a51fbc74c83p+0,
    0x1.ea4afa2a490dap+0, 0x1.ecf482d8e67f1p+0, 0x1.efa1bee615a27p+0, 0x1.f252b376bba97p+0,
    0x1.f50765b6e4540p+0, 0x1.f7bfdad9cbe14p+0, 0x1.fa7c1819e90d8p+0, 0x1.fd3c22b8f71f1p+0,
};

/// N / ln2 (rounding it only shifts which k is chosen, within r's bound).
inline constexpr double n_over_ln2 = 0x1.71547652b82fep+7;
/// ln2 / N in two parts (Cody-Waite): `hi` has 36 significant bits, so k hi is exact for
/// |k| < 2^17 (|x| <= 708 gives |k| <= 130742), and x - k hi is exact (the two are within a factor
/// of 2); hi + lo is ln2 / N to about 2^-90 of it.
inline constexpr double ln2_over_n_hi = 0x1.62e42fefa0000p-8;
inline constexpr double ln2_over_n_lo = 0x1.cf79abc9e3b3ap-47;
/// 1.5 2^52: adding it rounds x N / ln2 to the nearest integer k and leaves k in the low
/// mantissa bits (two's complement for k < 0, |k| < 2^51).
inline constexpr double round_shift = 0x1.8p52;
/// Largest |x| of the inline path: exp(x) and every partial scale are normal doubles there
/// (exp(-708) = 3.3e-308 > 2^-1022, exp(708) = 3.0e307 < DBL_MAX).
inline constexpr double inline_limit = 708.0;

}  // namespace fast_exp_detail

/// exp(x) to within ~1 ulp (<= 2 ulp, tested against std::exp), inline: no call, no division.
/// Domain: any double. |x| <= 708 takes the inline path: that is what the models pass on their
/// per-input paths (mostly |x| < 16, the rebase grid's period over the shortest time constant;
/// probes and rebases of a long-idle cell go further). Beyond it, and for NaN,
/// std::exp answers (0 or a denormal, inf, NaN) on a cold branch. fast_exp(0) == 1 exactly.
/// Round-to-nearest mode.
[[gnu::always_inline]] inline double fast_exp(double x) noexcept {
  namespace d = fast_exp_detail;
  if (!(std::abs(x) <= d::inline_limit)) [[unlikely]]
    return std::exp(x);
  const double shifted = x * d::n_over_ln2 + d::round_shift;
  const double k = shifted - d::round_shift;
  const double r = (x - k * d::ln2_over_n_hi) - k * d::ln2_over_n_lo;
  // exp(r) - 1 = r + r^2 (1/2 + r/6) + r^4 (1/24 + r/120), to 6e-19 for |r| <= ln2 / 256; in
  // two halves that run in parallel (Estrin), which shortens the chain by 3 of Horner's 8 steps.
  const double r2 = r * r;
  const double expm1_r =
      r + (r2 * (0.5 + r * (1.0 / 6.0)) + (r2 * r2) * (1.0 / 24.0 + r * (1.0 / 120.0)));
  // Low bits of `shifted` hold k: k mod N indexes the table, k div N goes into the exponent
  // (the shifts drop round_shift's own bits).
  const auto k_bits = std::bit_cast<std::uint64_t>(shifted);
  const double table = d::two_to_j_over_n[k_bits & (d::table_size - 1)];
  const double scale = std::bit_cast<double>(std::bit_cast<std::uint64_t>(table) +
                                             ((k_bits >> d::table_bits) << 52));
  return scale + scale * expm1_r;
}

}  // namespace spindle::models
