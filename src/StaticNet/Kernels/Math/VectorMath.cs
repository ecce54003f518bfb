using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// Element-wise transcendental functions at every vector width: each is written once over the operations of
/// <typeparamref name="TSimd"/>, with no scalar library call and no branch per element (special values are handled with
/// compares and selects), and explicit fused multiply-adds. <see cref="Simd1{T}"/> gives the scalar form, lane for lane
/// the same operations. The per-precision coefficients are chosen with <c>typeof(T) == typeof(float)</c>, a constant to
/// the JIT.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
/// <remarks>
/// <para>
/// Sources: exp and expm1 reduce as SLEEF's <c>xexpf</c>/<c>xexp</c> (Cody–Waite, <c>x = n·ln2 + r</c>) and use their
/// minimax polynomials; log and log1p are fdlibm's <c>e_log.c</c>/<c>e_logf.c</c> (the reduction of musl's
/// <c>log.c</c>/<c>logf.c</c>); erf and erfc are fdlibm's <c>s_erf.c</c>/<c>s_erff.c</c> (as in musl), its four
/// intervals evaluated for every lane and blended; tanh is Cephes' <c>tanh</c>/<c>tanhf</c>; the sigmoid is built on
/// exp without cancellation.
/// </para>
/// <para>
/// Accuracy (measured by <c>tests/StaticNet.Tests/Kernels</c>, listed in docs/correctness.md): a few ulp in float and in
/// double, over the whole range, with or without hardware FMA. NaN in gives NaN out; ±0, ±∞ and the overflow and
/// underflow limits give what the C library gives (no NaN from a number).
/// </para>
/// <para>
/// Each function is a method of its own, compiled fully optimised at its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>), with everything inside it inlined: inlined into a kernel,
/// its few hundred operations would use up the JIT's inlining budget of the caller, which then leaves ISimd operations
/// as calls (ten times slower), and a method that is left out of an inlining goes through tiered compilation, starting
/// unoptimised. The call costs little beside the function's work where calls are independent (a layer's activations);
/// where each waits for the one before (a recurrent cell's gates), <see cref="TanhGateInline"/> and
/// <see cref="SigmoidGateInline"/> are inlined instead (see <c>Gates</c>): forms with fewer operations on that chain,
/// as accurate (2.2 ulp in float, 2 in double, measured as the others). Every public function is marked
/// <see cref="MethodImplOptions.NoInlining"/>: most are short wrappers of bodies written as inlined helpers (<see cref="Exp"/>
/// of <c>ExpInline</c>, <see cref="Log"/> of <c>LogPositive</c>, ...), which the JIT would otherwise inline, and with them
/// the body, into every caller (the binary cross-entropy's four logarithms used up its budget so).
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class VectorMath<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>e^x. Overflows to +∞ above ln(MaxValue), and goes to 0 through the subnormals (each rounded once).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>e^x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Exp(TVector x) => ExpInline(x);

    /// <summary>
    /// <see cref="Exp"/>, inlined where it is one step of a longer function (no call in the dependency chain), or in a
    /// kernel that is a method of its own with few such sites (the softmax).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector ExpInline(TVector x)
    {
        // Beyond these the result is +Inf or 0 anyway; inside them 2^n fits the two-step scaling below. Min and Max take
        // the lane as their second operand, so a NaN passes through on every width (x86 returns the second operand).
        x = TSimd.Min(Create(89f, 710d), TSimd.Max(ExpLowest, x));

        TVector r = Reduce(x, out TVector t);
        return ScaleByPowerOfTwo(TSimd.Add(One, ExpM1Reduced(r)), t);
    }

    /// <summary>e^x − 1, accurate near 0 (where <c>Exp(x) - 1</c> would cancel).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>e^x − 1, lane by lane: −1 far below 0, +∞ above ln(MaxValue).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector ExpM1(TVector x)
    {
        // Below -20 (-40), e^x is far below half an ulp of 1: the result rounds to -1.
        TVector c = TSimd.Min(Create(89f, 710d), TSimd.Max(Create(-20f, -40d), x));
        TVector m = ExpM1Reduced(Reduce(c, out TVector t));
        TVector n = TSimd.Subtract(t, Magic);

        // e^x - 1 = 2^n·(1 + m) - 1 = 2·(h·m + (h - 1/2)) with h = 2^(n-1), which stays finite for the largest n (128 in
        // float), where 2^n itself would not.
        TVector h = TSimd.AddInteger(TSimd.ShiftLeftInteger(t, MantissaBits), TSimd.CreateInteger(HalfBits));
        TVector y = TSimd.MultiplyAdd(h, m, TSimd.Subtract(h, Half));
        y = TSimd.Add(y, y);

        // For n = 0 that is m itself, except that h·m loses the last bits of a subnormal m: take m.
        y = TSimd.Select(TSimd.Equals(n, TSimd.Zero), m, y);

        // expm1 has the sign of x: this only changes -0, which the polynomial turns into +0.
        return TSimd.Or(y, TSimd.And(x, SignBit));
    }

    /// <summary>The natural logarithm: −∞ at ±0, NaN below 0, +∞ at +∞; subnormal arguments are scaled into the normal range first.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>ln x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Log(TVector x) => LogSpecialCases(x, LogPositive(x, TSimd.Zero));

    /// <summary>ln(1 + x), accurate near 0 (where <c>Log(1 + x)</c> would lose the low bits of x).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>ln(1 + x), lane by lane: −∞ at −1, NaN below −1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Log1P(TVector x)
    {
        // y = 1 + x rounded, and c = (1 + x) - y its rounding error, exact: ln(1 + x) = ln(y + c) = ln(y) + c/y, to well
        // below an ulp (|c/y| is at most half an ulp, its square is lost).
        TVector y = TSimd.Add(One, x);
        TVector c = TSimd.Subtract(x, TSimd.Subtract(y, One));
        TVector r = LogSpecialCases(y, LogPositive(y, TSimd.Divide(c, y)));

        // log1p has the sign of x: this only changes -0.
        return TSimd.Or(r, TSimd.And(x, SignBit));
    }

    /// <summary>
    /// The hyperbolic tangent, as Cephes' <c>tanh</c>/<c>tanhf</c>: below |x| = 0.625, <c>x + x·x²·P(x²)</c> (a
    /// polynomial in float, a rational function in double), exactly x near 0; above, <c>1 − 2e/(1 + e)</c> with
    /// <c>e = e^(−2|x|)</c>, exactly ±1 where the correctly rounded value is.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>tanh x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Tanh(TVector x) => TanhInline(x);

    /// <summary>
    /// <see cref="Tanh"/>, inlined into the caller: for a recurrent cell, where the gates wait for each other and a call
    /// (the vector passed through memory both ways) lies on the dependency chain. The caller must leave the JIT room to
    /// inline it (a loop body with few such sites), or its ISimd operations are left as calls.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>tanh x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector TanhInline(TVector x)
    {
        TVector ax = TSimd.Abs(x);
        TVector z = TSimd.Multiply(x, x);
        TVector p;
        if (IsSingle)
        {
            p = TSimd.MultiplyAdd(Create(-5.70498872745E-3), z, Create(2.06390887954E-2));
            p = TSimd.MultiplyAdd(p, z, Create(-5.37397155531E-2));
            p = TSimd.MultiplyAdd(p, z, Create(1.33314422036E-1));
            p = TSimd.MultiplyAdd(p, z, Create(-3.33332819422E-1));
        }
        else
        {
            TVector numerator = TSimd.MultiplyAdd(Create(-9.64399179425052238628e-1), z, Create(-9.92877231001918586564e1));
            numerator = TSimd.MultiplyAdd(numerator, z, Create(-1.61468768441708447952e3));
            TVector denominator = TSimd.Add(z, Create(1.12811678491632931402e2));
            denominator = TSimd.MultiplyAdd(denominator, z, Create(2.23548839060100448583e3));
            denominator = TSimd.MultiplyAdd(denominator, z, Create(4.84406305325125486048e3));
            p = TSimd.Divide(numerator, denominator);
        }

        TVector small = TSimd.MultiplyAdd(TSimd.Multiply(ax, z), p, ax);

        // Beyond 9.125 (19.125 in double) tanh rounds to 1, so |x| is clamped there: e = e^(−2|x|) is then a normal number,
        // which the short exp below computes (a NaN passes through Min as its second operand). This branch is the
        // function's latency, which a layer of a small network waits for, so it is kept short: the factor −2 goes into
        // the reduction's constant (its product u is ready before the reduction needs it); in float one constant for
        // ln 2 (its error, n·1.9e−9 with n ≥ −26, is below 0.05 ulp of e where e can reach the result's last bit, and
        // far below it where n is large and e is tiny); and 2e and 1 + e are each one fused multiply-add from e^r − 1.
        TVector m = TSimd.Min(Create(9.125f, 19.125), ax);
        TVector u = TSimd.Multiply(m, Create(-2.0));
        TVector t = TSimd.MultiplyAdd(m, Create(-2.8853900817779268), Magic);
        TVector n = TSimd.Subtract(t, Magic);
        TVector r = IsSingle
            ? TSimd.MultiplyAdd(n, Create(-0.693147180559945309), u)
            : TSimd.MultiplyAdd(n, Create(-0.28235290563031577122588448175013436025525412068e-12), TSimd.MultiplyAdd(n, Create(-0.69314718055966295651160180568695068359375), u));
        TVector em1 = ExpM1Reduced(r);
        TVector scale = TSimd.AddInteger(TSimd.ShiftLeftInteger(t, MantissaBits), TSimd.CreateInteger(OneBits));
        TVector twice = TSimd.Add(scale, scale);
        TVector large = TSimd.Subtract(One, TSimd.Divide(TSimd.MultiplyAdd(em1, twice, twice), TSimd.MultiplyAdd(em1, scale, TSimd.Add(scale, One))));

        // Both are >= 0: give the result the sign of x (tanh is odd; -0 stays -0).
        TVector y = TSimd.Select(TSimd.LessThan(ax, Create(0.625)), small, large);
        return TSimd.Or(y, TSimd.And(x, SignBit));
    }

    /// <summary>
    /// The logistic sigmoid <c>1 / (1 + e^−x)</c>, as <c>1 / (1 + e)</c> for x ≥ 0 and <c>e / (1 + e)</c> below, with
    /// <c>e = e^−|x|</c> (so no overflow and no cancellation): exactly 1 far above 0, and exactly 0 far below, through
    /// the subnormals.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>σ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Sigmoid(TVector x) => SigmoidInline(x);

    /// <summary><see cref="Sigmoid"/>, inlined into the caller (see <see cref="TanhInline"/>).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>σ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector SigmoidInline(TVector x)
    {
        TVector e = ExpInline(TSimd.Negate(TSimd.Abs(x)));
        return TSimd.Divide(TSimd.Select(TSimd.LessThan(x, TSimd.Zero), e, One), TSimd.Add(One, e));
    }

    /// <summary>
    /// σ(x) for a recurrent cell's gates, inlined (see <see cref="TanhInline"/>): <see cref="SigmoidInline"/>'s formula with
    /// e^−|x| through the short exp, |x| clamped at 87 (708 in double) where e^−|x| is still a normal number: below −87
    /// the result is 0 (σ is less than 1.7e−38 there, 3.4e−308 in double; <see cref="Sigmoid"/> goes on through the
    /// subnormals), above 87 it is 1 as for <see cref="Sigmoid"/>; in between the same operations, e^−|x| rounded once
    /// instead of twice. Fewer operations on the step's dependency chain.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>σ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector SigmoidGateInline(TVector x)
    {
        // Max takes the lane as its second operand: a NaN passes through. Below the clamp e is 0. e = 2^n·(1 + p) and
        // 1 + e are each one fused multiply-add from p = e^r − 1, side by side (1 + e rounded once).
        TVector r = Reduce(TSimd.Max(Create(-87f, -708d), TSimd.Or(x, SignBit)), out TVector t);
        TVector p = ExpM1Reduced(r);
        TVector scale = TSimd.AddInteger(TSimd.ShiftLeftInteger(t, MantissaBits), TSimd.CreateInteger(OneBits));
        TVector e = TSimd.AndNot(TSimd.MultiplyAdd(p, scale, scale), TSimd.LessThan(x, Create(-87f, -708d)));
        return TSimd.Divide(TSimd.Select(TSimd.LessThan(x, TSimd.Zero), e, One), TSimd.MultiplyAdd(p, scale, TSimd.Add(scale, One)));
    }

    /// <summary>
    /// tanh x for a recurrent cell's gates, inlined (see <see cref="TanhInline"/>): <c>E / (E + 2)</c> with
    /// <c>E = e^(2|x|) − 1</c>, the sign of x; E through the short expm1 (SLEEF's reduction and polynomial, no special
    /// cases: 2|x| is clamped at 18.25 (38.25), beyond which tanh rounds to 1). One formula over the whole range, accurate
    /// near 0 (E is the polynomial itself there) with no cancellation anywhere, where <see cref="TanhInline"/> evaluates a
    /// polynomial and an exp and selects: fewer operations on the step's dependency chain.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>tanh x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector TanhGateInline(TVector x)
    {
        // Min takes the lane as its second operand: a NaN passes through. The factor 2 goes into the reduction's constant
        // (u = 2m is ready before the reduction needs it), and in float one constant for ln 2 (as in TanhInline: its
        // error, n·1.9e−9 with n ≤ 27, is far below E's last bit where E can reach the result's). The same five lines as
        // TanhInline's, not a shared helper: one more inlining step ran the packed layer tile's budget out where it
        // inlines tanh with 16 registers (vector operations left as calls: the conformance runner's JIT check).
        TVector m = TSimd.Min(Create(9.125f, 19.125), TSimd.Abs(x));
        TVector u = TSimd.Add(m, m);
        TVector t = TSimd.MultiplyAdd(m, Create(2.8853900817779268), Magic);
        TVector n = TSimd.Subtract(t, Magic);
        TVector r = IsSingle
            ? TSimd.MultiplyAdd(n, Create(-0.693147180559945309), u)
            : TSimd.MultiplyAdd(n, Create(-0.28235290563031577122588448175013436025525412068e-12), TSimd.MultiplyAdd(n, Create(-0.69314718055966295651160180568695068359375), u));
        TVector p = ExpM1Reduced(r);

        // E = e^(2|x|) − 1 = 2^n·p + (2^n − 1): exact for n = 0 (p itself), and 2^n is at most 2^27 (2^56). E + 2 is added
        // to the rounded E (exact where E is large): rounded on its own, its difference from E is not 2 there, and tanh
        // rounds 3 ulp from 1 (8.14 in float).
        TVector scale = TSimd.AddInteger(TSimd.ShiftLeftInteger(t, MantissaBits), TSimd.CreateInteger(OneBits));
        TVector e = TSimd.MultiplyAdd(p, scale, TSimd.Subtract(scale, One));
        return TSimd.Or(TSimd.Divide(e, TSimd.Add(e, Two)), TSimd.And(x, SignBit));
    }

    /// <summary><see cref="SigmoidGateInline"/> as a call: the scalar form of a cell's gates (see <c>Gates</c>).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>σ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector SigmoidGate(TVector x) => SigmoidGateInline(x);

    /// <summary><see cref="TanhGateInline"/> as a call: the scalar form of a cell's gates (see <c>Gates</c>).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>tanh x, lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector TanhGate(TVector x) => TanhGateInline(x);

    /// <summary>The error function, erf x = 2/√π ∫₀ˣ e^(−t²) dt: fdlibm's <c>s_erf.c</c> (<c>s_erff.c</c> in float).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erf x, lane by lane: exactly ±1 far out, ±0 at ±0.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Erf(TVector x)
    {
        x = TSimd.Min(Create(28.0), TSimd.Max(Create(-28.0), x));
        TVector ax = TSimd.Abs(x);
        NegativeSquare(ax, out _, out TVector hi, out TVector lo);

        // [0, 0.84375): erf = x + x·R(x²).
        TVector small = TSimd.MultiplyAdd(ax, ErfSmall(ax), ax);

        // [0.84375, 1.25): erf = c + P(s)/Q(s), s = |x| - 1, c = 0.845062911510467529297 (erf(1) to 24 bits).
        TVector middle = TSimd.Add(Erx, ErfMiddle(ax));

        // [1.25, 28]: erf = 1 - erfc.
        TVector large = TSimd.Subtract(One, ErfcLarge(ax, hi, lo));

        TVector y = TSimd.Select(TSimd.LessThan(ax, Create(0.84375)), small, TSimd.Select(TSimd.LessThan(ax, Create(1.25)), middle, large));
        return TSimd.Or(y, TSimd.And(x, SignBit));
    }

    /// <summary>The complementary error function, erfc x = 1 − erf x, accurate in the tail (fdlibm's <c>s_erf.c</c>).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erfc x, lane by lane: 2 far below 0, 0 far above (through the subnormals).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector Erfc(TVector x)
    {
        x = TSimd.Min(Create(28.0), TSimd.Max(Create(-28.0), x));
        NegativeSquare(x, out _, out TVector hi, out TVector lo);
        return ErfcGivenSquare(x, hi, lo);
    }

    /// <summary>
    /// The standard normal distribution function Φ(x) = erfc(−x/√2) / 2, accurate in both tails: the exponential of the
    /// tail is taken from −x²/2 split exactly into two parts, not from the rounded x/√2 (whose error the square would
    /// amplify), and x/√2 is carried to twice the working precision, the rounding of its leading part corrected to first
    /// order (it would otherwise cost up to 3 ulp near |x| = 2).
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <returns>Φ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector NormalCdf(TVector x)
    {
        // Beyond ±39.5, Φ is 0 or 1 in double; |x|/√2 stays below erfc's limit of 28.
        x = TSimd.Min(Create(39.5), TSimd.Max(Create(-39.5), x));
        NegativeSquare(x, out TVector z, out TVector hi, out TVector lo);

        // u = -x/√2 as uHi + uLo, nearly exact: with c the leading 8 (21) bits of -1/√2, z·c and (x - z)·c are exact.
        TVector c = Create(-0.70703125f, -0.7071065902709961);
        TVector uHi = TSimd.Multiply(z, c);
        TVector uLo = TSimd.MultiplyAdd(TSimd.Subtract(x, z), c, TSimd.Multiply(x, Create(-7.553118484793231e-05f, -1.9091555143065085e-07)));
        TVector u = TSimd.Add(uHi, uLo);
        TVector residual = TSimd.Add(TSimd.Subtract(uHi, u), uLo);
        TVector erfc = ErfcGivenSquare(u, TSimd.Multiply(hi, Half), TSimd.Multiply(lo, Half));

        // erfc was taken at the rounded u: correct to first order. Below |u| = 1.25, erfc'(u) = -2/√π·e^(-u²), with
        // e^(-u²) from six terms of its Taylor series (within 2%, plenty for a correction of a few ulp). In the tail
        // (u >= 1.25) the exponential came from x exactly and only the factor 1/u (and the slowly varying R/S) saw the
        // rounded u: the correction is -erfc·residual/u. For u <= -1.25, erfc = 2 - tail, and the tail's correction
        // is far below an ulp of 2.
        TVector t = TSimd.Multiply(u, u);
        TVector e = TSimd.MultiplyAdd(t, Create(1.0 / 720), Create(-1.0 / 120));
        e = TSimd.MultiplyAdd(e, t, Create(1.0 / 24));
        e = TSimd.MultiplyAdd(e, t, Create(-1.0 / 6));
        e = TSimd.MultiplyAdd(e, t, Half);
        e = TSimd.MultiplyAdd(e, t, Create(-1.0));
        e = TSimd.MultiplyAdd(e, t, One);
        TVector corrected = TSimd.NegatedMultiplyAdd(residual, TSimd.Multiply(e, Create(1.1283791670955126)), erfc);
        TVector tail = TSimd.NegatedMultiplyAdd(erfc, TSimd.Divide(residual, u), erfc);
        erfc = TSimd.Select(TSimd.LessThan(TSimd.Abs(u), Create(1.25)), corrected, TSimd.Select(TSimd.LessThan(u, TSimd.Zero), erfc, tail));
        return TSimd.Multiply(erfc, Half);
    }

    /// <summary>The standard normal density φ(x) = e^(−x²/2) / √(2π), with −x²/2 split exactly as in <see cref="NormalCdf"/>.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>φ(x), lane by lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static TVector NormalPdf(TVector x)
    {
        NegativeSquare(TSimd.Min(Create(40.0), TSimd.Abs(x)), out _, out TVector hi, out TVector lo);
        return TSimd.Multiply(ExpOfSum(TSimd.Multiply(hi, Half), TSimd.Multiply(lo, Half)), Create(0.39894228040143267794));
    }

    /// <summary>Every lane <paramref name="value"/>, rounded to <typeparamref name="T"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The vector.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Create(double value) =>
        TSimd.Create(typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>((float)value) : Unsafe.BitCast<double, T>(value));

    /// <summary>Every lane <paramref name="single"/> in float, <paramref name="dbl"/> in double: a coefficient fitted per precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Create(float single, double dbl) =>
        TSimd.Create(typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>(single) : Unsafe.BitCast<double, T>(dbl));

    /// <summary>Whether <typeparamref name="T"/> is <see cref="float"/> (a constant to the JIT).</summary>
    private static bool IsSingle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float);
    }

    private static TVector One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Create(T.One);
    }

    private static TVector Two
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(2.0);
    }

    private static TVector Half
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(0.5);
    }

    /// <summary>The sign bit of each lane.</summary>
    private static TVector SignBit
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(-0.0);
    }

    /// <summary>1.5·2^23 (2^52): adding it rounds to an integer, which lands in the low bits of the sum.</summary>
    private static TVector Magic
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(12582912f, 6755399441055744d);
    }

    /// <summary>The lower clamp of exp's argument: e^x is 0 below it, and 2^n still fits the two-step scaling.</summary>
    private static TVector ExpLowest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(-110f, -750d);
    }

    /// <summary>The number of explicit mantissa bits: 23 (52).</summary>
    private static int MantissaBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsSingle ? 23 : 52;
    }

    /// <summary>The bits of 1.0.</summary>
    private static long OneBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsSingle ? 0x3F800000 : 0x3FF0000000000000;
    }

    /// <summary>The bits of 0.5.</summary>
    private static long HalfBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsSingle ? 0x3F000000 : 0x3FE0000000000000;
    }

    /// <summary>erf(1) rounded to 24 bits (fdlibm's <c>erx</c>), in both precisions.</summary>
    private static TVector Erx
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Create(8.4506291151e-01f, 8.45062911510467529297e-01);
    }

    /// <summary>
    /// e^r − 1 for |r| ≤ ln2/2, as <c>r + r²·P(r)</c>: SLEEF's minimax polynomials of xexpf (P of degree 5) and xexp (P
    /// of degree 10), which SLEEF writes e^r = 1 + r + r²·P(r), so that the same polynomial gives exp and expm1,
    /// relatively accurate near 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpM1Reduced(TVector r)
    {
        TVector p;
        TVector r2 = TSimd.Multiply(r, r);
        if (IsSingle)
        {
            // Estrin's scheme (pairs, then pairs of pairs): 3 dependent steps where Horner's takes 5.
            TVector p54 = TSimd.MultiplyAdd(Create(0.000198527617612853646278381), r, Create(0.00139304355252534151077271));
            TVector p32 = TSimd.MultiplyAdd(Create(0.00833336077630519866943359), r, Create(0.0416664853692054748535156));
            TVector p10 = TSimd.MultiplyAdd(Create(0.166666671633720397949219), r, Half);
            p = TSimd.MultiplyAdd(TSimd.MultiplyAdd(p54, r2, p32), r2, p10);
            return TSimd.MultiplyAdd(r2, p, r);
        }
        else
        {
            p = TSimd.MultiplyAdd(Create(0.2081276378237164457e-8), r, Create(0.2511210703042288022e-7));
            p = TSimd.MultiplyAdd(p, r, Create(0.2755762628169491192e-6));
            p = TSimd.MultiplyAdd(p, r, Create(0.2755723402025388239e-5));
            p = TSimd.MultiplyAdd(p, r, Create(0.2480158687479686264e-4));
            p = TSimd.MultiplyAdd(p, r, Create(0.1984126989855865850e-3));
            p = TSimd.MultiplyAdd(p, r, Create(0.1388888888914497797e-2));
            p = TSimd.MultiplyAdd(p, r, Create(0.8333333333314938210e-2));
            p = TSimd.MultiplyAdd(p, r, Create(0.4166666666666602598e-1));
            p = TSimd.MultiplyAdd(p, r, Create(0.1666666666666669072e+0));
        }

        p = TSimd.MultiplyAdd(p, r, Half);
        return TSimd.MultiplyAdd(r2, p, r);
    }

    /// <summary>
    /// <c>p·2^n</c>, n in the low bits of <paramref name="t"/> (see <see cref="Magic"/>), as <c>p·2^⌊n/2⌋·2^(n−⌊n/2⌋)</c>:
    /// each factor is a normal number for every n of exp's clamped range, the first product is exact, so a subnormal or
    /// infinite result is rounded once, as the C library rounds it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ScaleByPowerOfTwo(TVector p, TVector t)
    {
        // Shifting t's bits left by the mantissa width leaves n in the exponent field (the bits of the magic number and
        // those above the field fall off the top); shifting right by one first leaves floor(n/2), since the magic number's
        // mantissa bits are even. Adding the bits of 1.0 biases the exponent.
        TVector full = TSimd.ShiftLeftInteger(t, MantissaBits);
        TVector half = TSimd.ShiftLeftInteger(TSimd.ShiftRightLogicalInteger(t, 1), MantissaBits);
        TVector one = TSimd.CreateInteger(OneBits);
        TVector first = TSimd.AddInteger(half, one);
        TVector second = TSimd.AddInteger(TSimd.SubtractInteger(full, half), one);
        return TSimd.Multiply(TSimd.Multiply(p, first), second);
    }

    /// <summary>
    /// SLEEF's reduction of xexpf/xexp: n = round(x/ln2), left in the low bits of <paramref name="t"/> = x/ln2 +
    /// 1.5·2^mantissa (see <see cref="Magic"/>), and the returned r = x − n·ln2 in two parts, the first exact (ln2's high
    /// part has trailing zeros), so |r| ≤ ln2/2 with no cancellation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Reduce(TVector x, out TVector t)
    {
        t = TSimd.MultiplyAdd(x, Create(1.4426950408889634), Magic);
        TVector n = TSimd.Subtract(t, Magic);
        TVector r = TSimd.MultiplyAdd(n, Create(-0.693145751953125f, -0.69314718055966295651160180568695068359375), x);
        return TSimd.MultiplyAdd(n, Create(-1.428606765330187045e-06f, -0.28235290563031577122588448175013436025525412068e-12), r);
    }

    /// <summary>
    /// e^x for x in [−40, 0]: as <see cref="Exp"/> without its clamps and two-step scaling, which only the overflow and
    /// the subnormal results need (2^n is a normal number here), so that the dependency chain is shorter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpOfBoundedNegative(TVector x)
    {
        TVector r = Reduce(x, out TVector t);
        TVector scale = TSimd.AddInteger(TSimd.ShiftLeftInteger(t, MantissaBits), TSimd.CreateInteger(OneBits));
        return TSimd.MultiplyAdd(ExpM1Reduced(r), scale, scale);
    }

    /// <summary>
    /// e^(hi + lo), where <paramref name="hi"/> is exact and <paramref name="lo"/> a correction of magnitude below 1 that
    /// the rounding of hi + lo would lose: <c>r = (hi − n·ln2_hi) + (lo − n·ln2_lo)</c>, whose first part is exact.
    /// For hi ≤ 0 (erfc's tail and the normal density).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpOfSum(TVector hi, TVector lo)
    {
        hi = TSimd.Max(ExpLowest, hi);
        TVector t = TSimd.MultiplyAdd(TSimd.Add(hi, lo), Create(1.4426950408889634), Magic);
        TVector n = TSimd.Subtract(t, Magic);
        TVector r = TSimd.MultiplyAdd(n, Create(-0.693145751953125f, -0.69314718055966295651160180568695068359375), hi);
        r = TSimd.Add(r, TSimd.MultiplyAdd(n, Create(-1.428606765330187045e-06f, -0.28235290563031577122588448175013436025525412068e-12), lo));
        return ScaleByPowerOfTwo(TSimd.Add(One, ExpM1Reduced(r)), t);
    }

    /// <summary>
    /// ln x for x &gt; 0 (other lanes: anything; see <see cref="LogSpecialCases"/>), plus <paramref name="correction"/>
    /// added where it keeps its low bits. fdlibm's <c>e_log.c</c> (<c>e_logf.c</c>, whose polynomial is shorter): x =
    /// 2^k·(1 + f) with √2/2 ≤ 1 + f &lt; √2 (musl's reduction, on the bits), s = f/(2 + f), and
    /// ln(1 + f) = f − (f²/2 − s·(f²/2 + R(s²))); under 1 ulp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LogPositive(TVector x, TVector correction)
    {
        // A subnormal x is scaled into the normal range first (2^25, 2^54), and k corrected.
        TVector subnormal = TSimd.LessThan(x, Create(1.17549435e-38f, 2.2250738585072014e-308));
        x = TSimd.Select(subnormal, TSimd.Multiply(x, Create(33554432f, 18014398509481984d)), x);

        // Adding 1.0 - √2/2 to the bits carries into the exponent exactly when the mantissa is at least √2: k is the
        // exponent of the sum, and the mantissa bits plus √2/2's bits give 1 + f in [√2/2, √2).
        TVector bits = TSimd.AddInteger(x, TSimd.CreateInteger(IsSingle ? 0x3F800000 - 0x3F3504F3 : 0x3FF0000000000000 - 0x3FE6A09E00000000));
        TVector mantissa = TSimd.And(bits, TSimd.CreateInteger(IsSingle ? 0x007FFFFF : 0x000FFFFFFFFFFFFF));
        TVector f = TSimd.Subtract(TSimd.AddInteger(mantissa, TSimd.CreateInteger(IsSingle ? 0x3F3504F3 : 0x3FE6A09E00000000)), One);

        // The exponent as a number: its bits under the mantissa of 2^23 (2^52), minus 2^23 (2^52) and the bias.
        TVector exponent = TSimd.Or(TSimd.ShiftRightLogicalInteger(bits, MantissaBits), TSimd.CreateInteger(IsSingle ? 0x4B000000 : 0x4330000000000000));
        TVector k = TSimd.Subtract(exponent, Create(8388608f + 127f, 4503599627370496d + 1023d));
        k = TSimd.Subtract(k, TSimd.And(subnormal, Create(25f, 54d)));

        TVector s = TSimd.Divide(f, TSimd.Add(Two, f));
        TVector z = TSimd.Multiply(s, s);
        TVector w = TSimd.Multiply(z, z);
        TVector t1, t2;
        if (IsSingle)
        {
            t1 = TSimd.Multiply(w, TSimd.MultiplyAdd(w, Create(0.24279078841), Create(0.40000972152)));
            t2 = TSimd.Multiply(z, TSimd.MultiplyAdd(w, Create(0.28498786688), Create(0.66666662693)));
        }
        else
        {
            t1 = TSimd.MultiplyAdd(w, Create(1.531383769920937332e-01), Create(2.222219843214978396e-01));
            t1 = TSimd.Multiply(w, TSimd.MultiplyAdd(w, t1, Create(3.999999999940941908e-01)));
            t2 = TSimd.MultiplyAdd(w, Create(1.479819860511658591e-01), Create(1.818357216161805012e-01));
            t2 = TSimd.MultiplyAdd(w, t2, Create(2.857142874366239149e-01));
            t2 = TSimd.Multiply(z, TSimd.MultiplyAdd(w, t2, Create(6.666666666666735130e-01)));
        }

        // k·ln2_hi is exact (ln2_hi has trailing zeros); the small terms are summed first.
        TVector halfSquare = TSimd.Multiply(Half, TSimd.Multiply(f, f));
        TVector low = TSimd.MultiplyAdd(k, Create(9.0580006145e-06f, 1.90821492927058770002e-10), correction);
        low = TSimd.MultiplyAdd(s, TSimd.Add(halfSquare, TSimd.Add(t1, t2)), low);
        TVector log1PF = TSimd.Subtract(f, TSimd.Subtract(halfSquare, low));
        return TSimd.MultiplyAdd(k, Create(6.9313812256e-01f, 6.93147180369123816490e-01), log1PF);
    }

    /// <summary>The special values of ln: +∞ at +∞, −∞ at ±0, NaN below 0 and at NaN; <paramref name="y"/> elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LogSpecialCases(TVector x, TVector y)
    {
        y = TSimd.Select(TSimd.Equals(x, Create(double.PositiveInfinity)), x, y);
        y = TSimd.Select(TSimd.Equals(x, TSimd.Zero), Create(double.NegativeInfinity), y);
        return TSimd.Select(TSimd.LessThanOrEqual(TSimd.Zero, x), y, Create(double.NaN));
    }

    /// <summary>
    /// −a² = <paramref name="hi"/> + <paramref name="lo"/>, hi exact: <paramref name="z"/>, a's leading bits (12 in float,
    /// 21 in double: fdlibm's <c>z</c>), squared, and lo = (z − a)(z + a), small.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NegativeSquare(TVector a, out TVector z, out TVector hi, out TVector lo)
    {
        z = TSimd.And(a, TSimd.CreateInteger(typeof(T) == typeof(float) ? unchecked((int)0xFFFFF000) : unchecked((long)0xFFFFFFFF00000000)));
        hi = TSimd.Negate(TSimd.Multiply(z, z));
        lo = TSimd.Multiply(TSimd.Subtract(z, a), TSimd.Add(z, a));
    }

    /// <summary>erfc x for |x| ≤ 28, given −x² = <paramref name="hi"/> + <paramref name="lo"/> (see <see cref="NegativeSquare"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfcGivenSquare(TVector x, TVector hi, TVector lo)
    {
        TVector ax = TSimd.Abs(x);
        TVector negative = TSimd.LessThan(x, TSimd.Zero);

        // [0, 0.84375): erfc = 1/2 - (x·R(x²) + (x - 1/2)) (fdlibm's form above 1/4, used throughout).
        TVector small = TSimd.Subtract(Half, TSimd.MultiplyAdd(x, ErfSmall(ax), TSimd.Subtract(x, Half)));

        // [0.84375, 1.25): erfc = (1 - c) - P/Q above 0, 1 + (c + P/Q) below.
        TVector pq = ErfMiddle(ax);
        TVector middle = TSimd.Select(negative, TSimd.Add(One, TSimd.Add(Erx, pq)), TSimd.Subtract(TSimd.Subtract(One, Erx), pq));

        // [1.25, 28]: erfc(|x|), and 2 - erfc(|x|) below 0.
        TVector tail = ErfcLarge(ax, hi, lo);
        TVector large = TSimd.Select(negative, TSimd.Subtract(Two, tail), tail);

        return TSimd.Select(TSimd.LessThan(ax, Create(0.84375)), small, TSimd.Select(TSimd.LessThan(ax, Create(1.25)), middle, large));
    }

    /// <summary>fdlibm's R(x²) = P(x²)/Q(x²) of erf on [0, 0.84375): erf x = x + x·R (|R − (erf(x) − x)/x| ≤ 2^−57.9).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfSmall(TVector ax)
    {
        TVector z = TSimd.Multiply(ax, ax);
        TVector p = TSimd.MultiplyAdd(z, Create(-2.3763017452e-05f, -2.37630166566501626084e-05), Create(-5.7702702470e-03f, -5.77027029648944159157e-03));
        p = TSimd.MultiplyAdd(z, p, Create(-2.8481749818e-02f, -2.84817495755985104766e-02));
        p = TSimd.MultiplyAdd(z, p, Create(-3.2504209876e-01f, -3.25042107247001499370e-01));
        p = TSimd.MultiplyAdd(z, p, Create(1.2837916613e-01f, 1.28379167095512558561e-01));
        TVector q = TSimd.MultiplyAdd(z, Create(-3.9602282413e-06f, -3.96022827877536812320e-06), Create(1.3249473704e-04f, 1.32494738004321644526e-04));
        q = TSimd.MultiplyAdd(z, q, Create(5.0813062117e-03f, 5.08130628187576562776e-03));
        q = TSimd.MultiplyAdd(z, q, Create(6.5022252500e-02f, 6.50222499887672944485e-02));
        q = TSimd.MultiplyAdd(z, q, Create(3.9791721106e-01f, 3.97917223959155352819e-01));
        q = TSimd.MultiplyAdd(z, q, One);
        return TSimd.Divide(p, q);
    }

    /// <summary>fdlibm's P(s)/Q(s) of erf on [0.84375, 1.25), s = |x| − 1: erf x = c + P/Q (error ≤ 2^−59.06).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfMiddle(TVector ax)
    {
        TVector s = TSimd.Subtract(ax, One);
        TVector p = TSimd.MultiplyAdd(s, Create(-2.1663755178e-03f, -2.16637559486879084300e-03), Create(3.5478305072e-02f, 3.54783043256182359371e-02));
        p = TSimd.MultiplyAdd(s, p, Create(-1.1089469492e-01f, -1.10894694282396677476e-01));
        p = TSimd.MultiplyAdd(s, p, Create(3.1834661961e-01f, 3.18346619901161753674e-01));
        p = TSimd.MultiplyAdd(s, p, Create(-3.7220788002e-01f, -3.72207876035701323847e-01));
        p = TSimd.MultiplyAdd(s, p, Create(4.1485610604e-01f, 4.14856118683748331666e-01));
        p = TSimd.MultiplyAdd(s, p, Create(-2.3621185683e-03f, -2.36211856075265944077e-03));
        TVector q = TSimd.MultiplyAdd(s, Create(1.1984500103e-02f, 1.19844998467991074170e-02), Create(1.3637083583e-02f, 1.36370839120290507362e-02));
        q = TSimd.MultiplyAdd(s, q, Create(1.2617121637e-01f, 1.26171219808761642112e-01));
        q = TSimd.MultiplyAdd(s, q, Create(7.1828655899e-02f, 7.18286544141962662868e-02));
        q = TSimd.MultiplyAdd(s, q, Create(5.4039794207e-01f, 5.40397917702171048937e-01));
        q = TSimd.MultiplyAdd(s, q, Create(1.0642088205e-01f, 1.06420880400844228286e-01));
        q = TSimd.MultiplyAdd(s, q, One);
        return TSimd.Divide(p, q);
    }

    /// <summary>
    /// erfc |x| for |x| in [1.25, 28] (other lanes: anything finite): fdlibm's erfc(x) = e^(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x,
    /// with fdlibm's two fits, [1.25, 1/0.35) and [1/0.35, 28], chosen per lane coefficient by coefficient. −x² comes as
    /// the exact <paramref name="hi"/> and the small <paramref name="lo"/>; the rest is added to lo, so that hi stays exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfcLarge(TVector ax, TVector hi, TVector lo)
    {
        ax = TSimd.Max(Create(1.25), ax);
        TVector s = TSimd.Divide(One, TSimd.Multiply(ax, ax));
        TVector far = TSimd.LessThanOrEqual(Create(1 / 0.35), ax);

        // R: ra0..ra7 near, rb0..rb6 far (rb7 = 0).
        TVector r = TSimd.Select(far, TSimd.Zero, Create(-9.8143291473e+00f, -9.81432934416914548592e+00));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-4.8351919556e+02f, -4.83519191608651397019e+02), Create(-8.1287437439e+01f, -8.12874355063065934246e+01)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-1.0250950928e+03f, -1.02509513161107724954e+03), Create(-1.8460508728e+02f, -1.84605092906711035994e+02)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-6.3756646729e+02f, -6.37566443368389627722e+02), Create(-1.6239666748e+02f, -1.62396669462573470355e+02)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-1.6063638306e+02f, -1.60636384855821916062e+02), Create(-6.2375331879e+01f, -6.23753324503260060396e+01)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-1.7757955551e+01f, -1.77579549177547519889e+01), Create(-1.0558626175e+01f, -1.05586262253232909814e+01)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-7.9928326607e-01f, -7.99283237680523006574e-01), Create(-6.9385856390e-01f, -6.93858572707181764372e-01)));
        r = TSimd.MultiplyAdd(s, r, TSimd.Select(far, Create(-9.8649431020e-03f, -9.86494292470009928597e-03), Create(-9.8649440333e-03f, -9.86494403484714822705e-03)));

        // S: 1 + sa1·s + ... + sa8·s^8 near, 1 + sb1·s + ... + sb7·s^7 far (sb8 = 0).
        TVector q = TSimd.Select(far, TSimd.Zero, Create(-6.0424413532e-02f, -6.04244152148580987438e-02));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(-2.2440952301e+01f, -2.24409524465858183362e+01), Create(6.5702495575e+00f, 6.57024977031928170135e+00)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(4.7452853394e+02f, 4.74528541206955367215e+02), Create(1.0863500214e+02f, 1.08635005541779435134e+02)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(2.5530502930e+03f, 2.55305040643316442583e+03), Create(4.2900814819e+02f, 4.29008140027567833386e+02)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(3.1998581543e+03f, 3.19985821950859553908e+03), Create(6.4538726807e+02f, 6.45387271733267880336e+02)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(1.5367296143e+03f, 1.53672958608443695994e+03), Create(4.3456588745e+02f, 4.34565877475229228821e+02)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(3.2579251099e+02f, 3.25792512996573918826e+02), Create(1.3765776062e+02f, 1.37657754143519042600e+02)));
        q = TSimd.MultiplyAdd(s, q, TSimd.Select(far, Create(3.0338060379e+01f, 3.03380607434824582924e+01), Create(1.9651271820e+01f, 1.96512716674392571292e+01)));
        q = TSimd.MultiplyAdd(s, q, One);

        lo = TSimd.Add(lo, TSimd.Subtract(TSimd.Divide(r, q), Create(0.5625)));
        return TSimd.Divide(ExpOfSum(hi, lo), ax);
    }
}
