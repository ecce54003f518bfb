using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Tanh"/>: <c>f(z) = tanh z</c> (<see cref="VectorMath{T, TSimd, TVector}.Tanh"/>: exactly z near 0,
/// exactly ±1 far out). The gradient is <c>g·(1 − a²)</c>, from the activation, as <c>g·((1 − a)·(1 + a))</c>: 1 − a is
/// exact where a is near ±1, and 1 − a·a would lose it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Tanh : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Tanh(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.TanhInline(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector one = TSimd.Create(T.One);
        return TSimd.Multiply(g, TSimd.Multiply(TSimd.Subtract(one, a), TSimd.Add(one, a)));
    }
}
