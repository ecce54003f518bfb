using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.Elu"/> with α = 1 (PyTorch's <c>nn.ELU()</c>): <c>f(z) = z</c> above 0, <c>e^z − 1</c> elsewhere
/// (<see cref="VectorMath{T, TSimd, TVector}.ExpM1"/>, accurate near 0), chosen by a select. The gradient is <c>g</c>
/// where <c>a &gt; 0</c> and <c>g·(a + 1)</c> elsewhere, from the activation (PyTorch's <c>elu_backward</c> on the
/// result); NaN passes through both.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Elu : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        => TSimd.Select(TSimd.GreaterThan(z, TSimd.Zero), z, VectorMath<T, TSimd, TVector>.ExpM1(z));

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
        => TSimd.Select(TSimd.GreaterThan(a, TSimd.Zero), g, TSimd.Multiply(g, TSimd.Add(a, TSimd.Create(T.One))));
}
