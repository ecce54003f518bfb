using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Silu"/> (PyTorch's <c>nn.SiLU</c>): <c>f(z) = z·σ(z)</c>. The gradient is
/// <c>g·σ(z)·(1 + z·σ(−z))</c> (PyTorch's <c>σ·(1 + z·(1 − σ))</c>, with 1 − σ(z) taken as σ(−z), which keeps its
/// relative accuracy where σ(z) is near 1), from the pre-activation: both sigmoids from one exponential. As in PyTorch,
/// the value at −∞ is NaN (−∞·0), and so is the gradient at ±∞; NaN passes through.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Silu : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TSimd.Multiply(z, VectorMath<T, TSimd, TVector>.Sigmoid(z));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TSimd.Multiply(z, VectorMath<T, TSimd, TVector>.SigmoidInline(z));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        // e = e^-|z|: σ(z) and σ(-z) are e/(1 + e) and 1/(1 + e), in one order or the other (as VectorMath.Sigmoid).
        TVector one = TSimd.Create(T.One);
        TVector e = VectorMath<T, TSimd, TVector>.Exp(TSimd.Negate(TSimd.Abs(z)));
        TVector denominator = TSimd.Add(one, e);
        TVector negative = TSimd.LessThan(z, TSimd.Zero);
        TVector sigmoid = TSimd.Divide(TSimd.Select(negative, e, one), denominator);
        TVector complement = TSimd.Divide(TSimd.Select(negative, one, e), denominator);
        return TSimd.Multiply(g, TSimd.Multiply(sigmoid, TSimd.MultiplyAdd(z, complement, one)));
    }
}
