using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary>
/// <see cref="Activation.LeakyReLU"/>: <c>f(z) = z</c>, and <c>0.01·z</c> below 0, as a compare and a select (no branch);
/// NaN passes through. The gradient is <c>g</c> where <c>a &gt; 0</c> and <c>0.01·g</c> elsewhere, so the gradient at 0
/// is 0.01, as in PyTorch.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct LeakyReLU : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        => TSimd.Select(TSimd.LessThan(z, TSimd.Zero), TSimd.Multiply(VectorMath<T, TSimd, TVector>.Create(0.01), z), z);

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
        => TSimd.Select(TSimd.GreaterThan(a, TSimd.Zero), g, TSimd.Multiply(VectorMath<T, TSimd, TVector>.Create(0.01), g));
}
