using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Gelu"/>, the exact GELU (PyTorch's <c>nn.GELU()</c> default): <c>f(z) = z·Φ(z)</c>, Φ the
/// standard normal distribution function (<see cref="VectorMath{T, TSimd, TVector}.NormalCdf"/>: erfc-based, so the
/// negative tail keeps its relative accuracy where PyTorch's <c>z/2·(1 + erf(z/√2))</c> cancels to 0). The gradient is
/// <c>g·(Φ(z) + z·φ(z))</c>, φ the normal density, from the pre-activation. As in PyTorch, the value at −∞ is NaN (−∞·0),
/// and so is the gradient at ±∞; NaN passes through.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Gelu : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TSimd.Multiply(z, VectorMath<T, TSimd, TVector>.NormalCdf(z));

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
        => TSimd.Multiply(g, TSimd.MultiplyAdd(z, VectorMath<T, TSimd, TVector>.NormalPdf(z), VectorMath<T, TSimd, TVector>.NormalCdf(z)));
}
