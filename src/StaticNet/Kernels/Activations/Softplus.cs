using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Softplus"/> with β = 1 and threshold 20, exactly as PyTorch's <c>nn.Softplus()</c>:
/// <c>f(z) = z</c> above 20, <c>ln(1 + e^z)</c> elsewhere (<see cref="VectorMath{T, TSimd, TVector}.Log1P"/> of
/// <see cref="VectorMath{T, TSimd, TVector}.Exp"/>, accurate far below 0, where it is e^z). The gradient is <c>g</c>
/// above 20 and <c>g·σ(z)</c> elsewhere, from the pre-activation; NaN passes through both.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Softplus : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector above = TSimd.GreaterThan(z, VectorMath<T, TSimd, TVector>.Create(20.0));
        return TSimd.Select(above, z, VectorMath<T, TSimd, TVector>.Log1P(VectorMath<T, TSimd, TVector>.Exp(z)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => Apply<T, TSimd, TVector>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector above = TSimd.GreaterThan(z, VectorMath<T, TSimd, TVector>.Create(20.0));
        return TSimd.Select(above, g, TSimd.Multiply(g, VectorMath<T, TSimd, TVector>.Sigmoid(z)));
    }
}
