using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// An element-wise activation function: its value and its gradient, at every vector width (<see cref="Simd1{T}"/> gives
/// the scalar form). One struct per <see cref="Activation"/> in <c>Kernels/Activations/</c>, named as the enum member;
/// the generated code passes it to the layer kernels as a type argument, so each call is inlined. The facts the
/// generator needs about an activation (its initialiser, whether its gradient reads the pre-activation) are in
/// <see cref="ActivationFacts"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IActivation
{
    /// <summary>The activation of the pre-activation <paramref name="z"/>, lane by lane.</summary>
    /// <typeparam name="T">The scalar type.</typeparam>
    /// <typeparam name="TSimd">The vector width.</typeparam>
    /// <typeparam name="TVector">The vector type of the width.</typeparam>
    /// <param name="z">The pre-activation.</param>
    /// <returns><c>f(z)</c>.</returns>
    static abstract TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;

    /// <summary>
    /// <see cref="Apply"/> with its transcendental function inlined instead of called: the same values to the bit. For a
    /// kernel where the activation is on a short dependency chain and appears at few sites (a layer of at most two vectors
    /// of outputs: a packed tile, or the activation pass after scalar inner products, as in a small network's forward
    /// pass): a call passes the vector through memory both ways, and a network of a few narrow layers waits on each. Activations whose <see cref="Apply"/> is inline already, or whose
    /// function is too long to copy into a kernel (erf, ln(1 + x), e^x − 1), return <see cref="Apply"/>.
    /// </summary>
    /// <typeparam name="T">The scalar type.</typeparam>
    /// <typeparam name="TSimd">The vector width.</typeparam>
    /// <typeparam name="TVector">The vector type of the width.</typeparam>
    /// <param name="z">The pre-activation.</param>
    /// <returns><c>f(z)</c>.</returns>
    static abstract TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;

    /// <summary>
    /// The gradient with respect to the pre-activation, <c>g·f'(z)</c>, from the gradient <paramref name="g"/> with respect to
    /// the activation. <paramref name="z"/> is the pre-activation where <see cref="ActivationFacts.GradientUsesPreActivation"/>
    /// says the gradient needs it (otherwise it is not given: do not read it), <paramref name="a"/> the activation <c>f(z)</c>.
    /// </summary>
    /// <typeparam name="T">The scalar type.</typeparam>
    /// <typeparam name="TSimd">The vector width.</typeparam>
    /// <typeparam name="TVector">The vector type of the width.</typeparam>
    /// <param name="g">dLoss/da.</param>
    /// <param name="z">The pre-activation, if the gradient uses it.</param>
    /// <param name="a">The activation.</param>
    /// <returns>dLoss/dz.</returns>
    static abstract TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;
}

/// <summary>
/// <typeparamref name="TActivation"/> with <see cref="IActivation.Apply"/> taken from its inlined form
/// (<see cref="IActivation.ApplyInline"/>): the same values, for a kernel that applies it at few sites on a dependency chain.
/// </summary>
/// <typeparam name="TActivation">The activation.</typeparam>
internal readonly struct Inlined<TActivation> : IActivation
    where TActivation : IActivation
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TActivation.ApplyInline<T, TSimd, TVector>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ApplyInline<T, TSimd, TVector>(TVector z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TActivation.ApplyInline<T, TSimd, TVector>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Gradient<T, TSimd, TVector>(TVector g, TVector z, TVector a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => TActivation.Gradient<T, TSimd, TVector>(g, z, a);
}
