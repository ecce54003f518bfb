using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

// TEMPORARY per-lane stand-in, replaced by the vectorised VectorMath of the vecmath branch before this lands.
internal static class VectorMath<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    public static TVector Exp(TVector x) => PerLane(x, static v => T.Exp(v));

    public static TVector Log(TVector x) => PerLane(x, static v => T.Log(v));

    public static TVector Tanh(TVector x) => PerLane(x, static v => T.Tanh(v));

    public static TVector Sigmoid(TVector x) => PerLane(x, static v => T.One / (T.One + T.Exp(-v)));

    private static TVector PerLane(TVector x, Func<T, T> f)
    {
        Span<T> lanes = stackalloc T[16];
        TSimd.Store(x, ref lanes[0], 0);
        for (int i = 0; i < TSimd.Count; i++)
        {
            lanes[i] = f(lanes[i]);
        }

        return TSimd.Load(ref lanes[0], 0);
    }
}
