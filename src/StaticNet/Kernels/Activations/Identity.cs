using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels.Activations;

/// <summary><see cref="Activation.Identity"/>: <c>f(z) = z</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Identity : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => z;

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
        where TVector : struct => g;
}
