using System;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// Reference values of the kernels' functions, computed in double-double arithmetic (about 32 significant digits) from
/// their definitions — Taylor series, the atanh series of the logarithm, erf's series and erfc's continued fraction — and
/// rounded once to double, also through the subnormals. Double-double loses its low part among the subnormals: there,
/// below 1e-20 in magnitude, the leading term of each series is rounded directly. Independent of the approximations
/// under test (no shared coefficients, no library function but correctly rounded or exact basic operations: square root,
/// fused multiply-add, ScaleB, ILogB, Round, Floor), and accurate to half an ulp of double, so they judge double results
/// too.
/// </summary>
internal static class ReferenceMath
{
    private static readonly DoubleDouble TwoOverSqrtPi = 2 / DoubleDouble.Sqrt(DoubleDouble.Pi);
    private static readonly DoubleDouble InverseSqrt2 = DoubleDouble.Sqrt(0.5);
    private static readonly DoubleDouble InverseSqrtTwoPi = 1 / DoubleDouble.Sqrt(2 * DoubleDouble.Pi);

    /// <summary>e^x.</summary>
    public static double Exp(double x) => double.IsNaN(x) ? x : x > 710 ? double.PositiveInfinity : x < -800 ? 0 : ToDouble(ExpParts(x, out int k), k);

    /// <summary>e^x − 1.</summary>
    public static double ExpM1(double x) => double.IsNaN(x) || Math.Abs(x) < 1e-20 ? x : x > 700 ? Exp(x) : x < -60 ? -1 : ExpM1(new DoubleDouble(x, 0)).Hi;

    /// <summary>ln x for x &gt; 0 (a subnormal x too).</summary>
    public static double Log(double x) => x < 0 || double.IsNaN(x) ? double.NaN : x == 0 ? double.NegativeInfinity : double.IsInfinity(x) ? x : Log(new DoubleDouble(x, 0)).Hi;

    /// <summary>ln(1 + x) for x &gt; −1.</summary>
    public static double Log1P(double x) =>
        x < -1 || double.IsNaN(x) ? double.NaN : x == -1 ? double.NegativeInfinity : Math.Abs(x) < 1e-20 || double.IsInfinity(x) ? x : Log1P(new DoubleDouble(x, 0)).Hi;

    /// <summary>tanh x.</summary>
    public static double Tanh(double x) => double.IsNaN(x) || Math.Abs(x) < 1e-20 ? x : Math.Abs(x) > 40 ? Math.Sign(x) : Tanh(new DoubleDouble(x, 0)).Hi;

    /// <summary>1 / (1 + e^−x).</summary>
    public static double Sigmoid(double x)
    {
        if (double.IsNaN(x) || x < -700)
        {
            // σ(x) = e^x·(1 − e^x + ...): the correction is far below an ulp.
            return Exp(x);
        }

        return x > 100 ? 1 : Sigmoid(new DoubleDouble(x, 0)).Hi;
    }

    /// <summary>erf x.</summary>
    public static double Erf(double x) =>
        double.IsNaN(x) || x == 0 ? x : Math.Abs(x) > 10 ? Math.Sign(x) : Math.Abs(x) < 1e-20 ? ToDouble(Math.ScaleB(x, 600) * TwoOverSqrtPi, -600) : Erf(new DoubleDouble(x, 0)).Hi;

    /// <summary>erfc x.</summary>
    public static double Erfc(double x) => double.IsNaN(x) ? x : x > 30 ? 0 : x < -10 ? 2 : x >= 3 ? ToDouble(ErfcTailParts(x, out int k), k) : (1 - Erf(new DoubleDouble(x, 0))).Hi;

    /// <summary>Φ(x) = erfc(−x/√2)/2.</summary>
    public static double NormalCdf(double x)
    {
        if (double.IsNaN(x) || Math.Abs(x) > 60)
        {
            return double.IsNaN(x) ? x : x > 0 ? 1 : 0;
        }

        DoubleDouble t = -x * InverseSqrt2;
        return t.Hi >= 3 ? ToDouble(ErfcTailParts(t, out int k) * 0.5, k) : ((1 - Erf(t)) * 0.5).Hi;
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π).</summary>
    public static double NormalPdf(double x)
    {
        if (double.IsNaN(x) || Math.Abs(x) > 40)
        {
            return double.IsNaN(x) ? x : 0;
        }

        DoubleDouble m = ExpParts(-((DoubleDouble)x * x * 0.5), out int k);
        return ToDouble(m * InverseSqrtTwoPi, k);
    }

    /// <summary>GELU: x·Φ(x).</summary>
    public static double Gelu(double x)
    {
        if (double.IsNaN(x) || Math.Abs(x) > 60)
        {
            return double.IsNaN(x) ? x : x > 0 ? x : -0.0;
        }

        DoubleDouble t = -x * InverseSqrt2;
        return t.Hi >= 3 ? ToDouble(ErfcTailParts(t, out int k) * 0.5 * x, k) : (x * (1 - Erf(t)) * 0.5).Hi;
    }

    /// <summary>GELU′: Φ(x) + x·φ(x).</summary>
    public static double GeluDerivative(double x)
    {
        if (double.IsNaN(x) || Math.Abs(x) > 40)
        {
            return double.IsNaN(x) ? x : x > 0 ? 1 : 0;
        }

        DoubleDouble t = -x * InverseSqrt2;
        DoubleDouble pdf = ExpParts(-((DoubleDouble)x * x * 0.5), out int k) * InverseSqrtTwoPi;
        if (t.Hi >= 3)
        {
            // Both terms carry e^(−x²/2): add them at its scale, and round once.
            DoubleDouble cdf = ErfcTailParts(t, out int kc) * 0.5;
            return ToDouble(DoubleDouble.ScaleB(cdf, kc - k) + (x * pdf), k);
        }

        return ((1 - Erf(t)) * 0.5 + (x * DoubleDouble.ScaleB(pdf, k))).Hi;
    }

    /// <summary>SiLU: x·σ(x).</summary>
    public static double Silu(double x) => double.IsNaN(x) || x > 100 ? x : x < -800 ? -0.0 : x < -700 ? ToDouble(ExpParts(x, out int k) * x, k) : (x * Sigmoid(new DoubleDouble(x, 0))).Hi;

    /// <summary>SiLU′: σ(x)·(1 + x·σ(−x)).</summary>
    public static double SiluDerivative(double x)
    {
        if (double.IsNaN(x) || x > 100 || x < -800)
        {
            return double.IsNaN(x) ? x : x > 0 ? 1 : 0;
        }

        if (x < -700)
        {
            // σ(x) = e^x and σ(−x) = 1 to far below an ulp.
            return ToDouble(ExpParts(x, out int k) * (1 + x), k);
        }

        DoubleDouble s = Sigmoid(new DoubleDouble(x, 0));
        return (s * (1 + (x * Sigmoid(new DoubleDouble(-x, 0))))).Hi;
    }

    /// <summary>Softplus (β = 1, threshold 20, as PyTorch): x above 20, else ln(1 + e^x).</summary>
    public static double Softplus(double x)
    {
        if (double.IsNaN(x) || x > 20)
        {
            return x;
        }

        if (x < -60)
        {
            // ln(1 + e) = e − e²/2 + ...: the correction is far below an ulp.
            return Exp(x);
        }

        return Log1P(DoubleDouble.ScaleB(ExpParts(x, out int k), k)).Hi;
    }

    /// <summary>e^x = m·2^k, m in [√2/2, √2]: Taylor series of e^(r/1024) − 1 squared back ten times (QD's method).</summary>
    private static DoubleDouble ExpParts(DoubleDouble x, out int k)
    {
        k = (int)Math.Round(x.Hi / DoubleDouble.Ln2.Hi);
        DoubleDouble r = x - (DoubleDouble.Ln2 * k);
        return 1 + ExpM1Small(r);
    }

    /// <summary>e^r − 1 for |r| ≤ ln2 (relatively accurate near 0).</summary>
    private static DoubleDouble ExpM1Small(DoubleDouble r)
    {
        DoubleDouble s = DoubleDouble.ScaleB(r, -10);
        DoubleDouble sum = s;
        DoubleDouble term = s;
        for (int i = 2; i < 30; i++)
        {
            term = term * s / i;
            sum += term;
            if (Math.Abs(term.Hi) < 1e-36 * Math.Abs(sum.Hi))
            {
                break;
            }
        }

        // (1 + m)² − 1 = m·(2 + m), ten times: e^r − 1.
        for (int i = 0; i < 10; i++)
        {
            sum *= 2 + sum;
        }

        return sum;
    }

    private static DoubleDouble ExpM1(DoubleDouble x)
    {
        if (Math.Abs(x.Hi) <= 0.6931)
        {
            return ExpM1Small(x);
        }

        DoubleDouble m = ExpParts(x, out int k);
        return DoubleDouble.ScaleB(m, k) - 1;
    }

    /// <summary>ln(1 + f) = 2·atanh(f / (2 + f)) for |f| ≤ 0.42: an odd series in w = f/(2 + f), |w| ≤ 0.18.</summary>
    private static DoubleDouble Log1PSmall(DoubleDouble f)
    {
        DoubleDouble w = f / (2 + f);
        DoubleDouble w2 = w * w;
        DoubleDouble power = w;
        DoubleDouble sum = w;
        for (int n = 3; n < 200; n += 2)
        {
            power *= w2;
            DoubleDouble term = power / n;
            sum += term;
            if (Math.Abs(term.Hi) < 1e-36 * Math.Abs(sum.Hi))
            {
                break;
            }
        }

        return 2 * sum;
    }

    /// <summary>ln y for y &gt; 0: y = 2^e·m with m in [√2/2, √2], ln y = e·ln2 + ln(1 + (m − 1)).</summary>
    private static DoubleDouble Log(DoubleDouble y)
    {
        int e = Math.ILogB(y.Hi);
        DoubleDouble m = DoubleDouble.ScaleB(y, -e);
        if (m.Hi > 1.4142135623730951)
        {
            m = DoubleDouble.ScaleB(m, -1);
            e++;
        }

        return (DoubleDouble.Ln2 * e) + Log1PSmall(m - 1);
    }

    private static DoubleDouble Log1P(DoubleDouble x) => Math.Abs(x.Hi) <= 0.41 ? Log1PSmall(x) : Log(1 + x);

    private static DoubleDouble Tanh(DoubleDouble x)
    {
        bool negative = x.Hi < 0;
        DoubleDouble a = DoubleDouble.Abs(x);
        DoubleDouble t;
        if (a.Hi > 40)
        {
            t = 1;
        }
        else if (a.Hi < 0.5)
        {
            // tanh a = −m/(m + 2), m = e^(−2a) − 1: no cancellation.
            DoubleDouble m = ExpM1Small(-2 * a);
            t = -m / (m + 2);
        }
        else
        {
            DoubleDouble e = DoubleDouble.ScaleB(ExpParts(-2 * a, out int k), k);
            t = (1 - e) / (1 + e);
        }

        return negative ? -t : t;
    }

    private static DoubleDouble Sigmoid(DoubleDouble x)
    {
        if (x.Hi > 100)
        {
            return 1;
        }

        DoubleDouble e = DoubleDouble.ScaleB(ExpParts(-DoubleDouble.Abs(x), out int k), k);
        return (x.Hi < 0 ? e : 1) / (1 + e);
    }

    /// <summary>erf x: the series 2/√π·e^(−x²)·Σ 2^n·x^(2n+1)/(1·3···(2n+1)) (positive terms) below 3, 1 − erfc above.</summary>
    private static DoubleDouble Erf(DoubleDouble x)
    {
        DoubleDouble a = DoubleDouble.Abs(x);
        DoubleDouble result;
        if (a.Hi >= 3)
        {
            result = a.Hi > 10 ? 1 : 1 - (DoubleDouble)ErfcTailDd(a);
        }
        else
        {
            DoubleDouble twoSquare = 2 * a * a;
            DoubleDouble term = a;
            DoubleDouble sum = a;
            for (int n = 1; n < 500; n++)
            {
                term = term * twoSquare / ((2 * n) + 1);
                sum += term;
                if (Math.Abs(term.Hi) < 1e-36 * Math.Abs(sum.Hi))
                {
                    break;
                }
            }

            DoubleDouble m = ExpParts(-(a * a), out int k);
            result = DoubleDouble.ScaleB(m, k) * sum * TwoOverSqrtPi;
        }

        return x.Hi < 0 ? -result : result;
    }

    private static DoubleDouble ErfcTailDd(DoubleDouble x) => DoubleDouble.ScaleB(ErfcTailParts(x, out int k), k);

    /// <summary>
    /// erfc x = m·2^k for x ≥ 3: the even continued fraction
    /// 2x/√π·e^(−x²) / (2x² + 1 − 1·2/(2x² + 5 − 3·4/(2x² + 9 − ...))), 80 levels (converged to 1e-40 at x = 3).
    /// </summary>
    private static DoubleDouble ErfcTailParts(DoubleDouble x, out int k)
    {
        DoubleDouble y = 2 * x * x;
        DoubleDouble t = y + 1 + (4 * 80);
        for (int n = 80; n > 0; n--)
        {
            t = y + 1 + (4 * (n - 1)) - ((double)((2 * n) - 1) * (2 * n) / t);
        }

        DoubleDouble m = ExpParts(-(x * x), out k);
        return m * x * TwoOverSqrtPi / t;
    }

    /// <summary>m·2^k rounded once to double, also where the result is subnormal (there, to a multiple of 2^−1074).</summary>
    private static double ToDouble(DoubleDouble m, int k)
    {
        double scaled = Math.ScaleB(m.Hi, k);
        if (Math.Abs(scaled) >= 2.2250738585072014e-308 || m.Hi == 0)
        {
            return scaled;
        }

        // Subnormal: count the units of 2^-1074 exactly, and round to the nearest integer, ties to even.
        DoubleDouble units = DoubleDouble.ScaleB(m, k + 1074);
        double whole = Math.Floor(units.Hi);
        DoubleDouble rest = units - whole;
        if (rest.Hi < 0)
        {
            whole--;
            rest += 1;
        }

        bool up = rest.Hi > 0.5 || (rest.Hi == 0.5 && (rest.Lo > 0 || (rest.Lo == 0 && whole % 2 != 0)));
        return Math.ScaleB(up ? whole + 1 : whole, -1074);
    }
}
