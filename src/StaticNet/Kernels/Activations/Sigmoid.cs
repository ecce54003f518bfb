using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Sigmoid"/>: <c>f(z) = 1 / (1 + e^−z)</c> (<see cref="VectorMath{T, TSimd, TVector}.Sigmoid"/>:
/// exactly 0 and 1 far out, never NaN for a number). The gradient is <c>g·a·(1 − a)</c>, from the activation.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Sigmoid : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Sigmoid(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.SigmoidInline(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        => TSimd.Multiply(TSimd.Multiply(g, a), TSimd.Subtract(TSimd.Create(T.One), a));
}
