using System;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// A double-double number: the unevaluated sum <c>Hi + Lo</c> with <c>|Lo| ≤ ulp(Hi)/2</c>, about 106 bits of precision
/// over double's exponent range, for the reference functions of the kernel tests. The algorithms are the classic
/// error-free transformations (Knuth's TwoSum, Dekker's product through a fused multiply-add) as in Hida, Li and Bailey's
/// QD library.
/// </summary>
internal readonly struct DoubleDouble
{
    /// <summary>ln 2 to 106 bits.</summary>
    public static readonly DoubleDouble Ln2 = new(0.6931471805599453, 2.3190468138462996e-17);

    /// <summary>π to 106 bits.</summary>
    public static readonly DoubleDouble Pi = new(3.141592653589793, 1.2246467991473532e-16);

    /// <summary>Creates the number <paramref name="hi"/> + <paramref name="lo"/> (normalised).</summary>
    public DoubleDouble(double hi, double lo)
    {
        Hi = hi + lo;
        Lo = lo - (Hi - hi);
    }

    /// <summary>The leading double: the value rounded to double (except at exact ties).</summary>
    public double Hi { get; }

    /// <summary>The trailing part.</summary>
    public double Lo { get; }

    public static implicit operator DoubleDouble(double value) => new(value, 0);

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        (double s1, double s2) = TwoSum(a.Hi, b.Hi);
        (double t1, double t2) = TwoSum(a.Lo, b.Lo);
        s2 += t1;
        (s1, s2) = QuickTwoSum(s1, s2);
        s2 += t2;
        return new DoubleDouble(s1, s2);
    }

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + (-b);

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        double p = a.Hi * b.Hi;
        double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        e += (a.Hi * b.Lo) + (a.Lo * b.Hi);
        return new DoubleDouble(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        double q1 = a.Hi / b.Hi;
        DoubleDouble r = a - (b * q1);
        double q2 = r.Hi / b.Hi;
        r -= b * q2;
        double q3 = r.Hi / b.Hi;
        return new DoubleDouble(q1, q2) + q3;
    }

    public static bool operator <(DoubleDouble a, DoubleDouble b) => a.Hi < b.Hi || (a.Hi == b.Hi && a.Lo < b.Lo);

    public static bool operator >(DoubleDouble a, DoubleDouble b) => b < a;

    /// <summary>a·2^k, exact unless it leaves double's range.</summary>
    public static DoubleDouble ScaleB(DoubleDouble a, int k) => new(Math.ScaleB(a.Hi, k), Math.ScaleB(a.Lo, k));

    /// <summary>|a|.</summary>
    public static DoubleDouble Abs(DoubleDouble a) => a.Hi < 0 ? -a : a;

    /// <summary>√a, one Newton step from the double square root.</summary>
    public static DoubleDouble Sqrt(DoubleDouble a)
    {
        double x = Math.Sqrt(a.Hi);
        return x + ((a - ((DoubleDouble)x * x)) / (2 * x));
    }

    private static (double Sum, double Error) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static (double Sum, double Error) QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return (s, b - (s - a));
    }
}
