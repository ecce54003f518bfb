using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace StaticNet;

/// <summary>Helpers called by generated network code. Not meant to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeHelpers
{
    /// <summary>Throws the <see cref="ArgumentException"/> for a span of the wrong length.</summary>
    /// <param name="paramName">The name of the span parameter.</param>
    /// <param name="expected">The length the network needs.</param>
    /// <param name="actual">The length given.</param>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(string paramName, long expected, int actual) =>
        throw new ArgumentException($"'{paramName}' must have length {expected}, but has length {actual}.", paramName);

    /// <summary>Throws the <see cref="ArgumentException"/> for a batch span whose length is not a multiple of the sample size.</summary>
    /// <param name="paramName">The name of the span parameter.</param>
    /// <param name="sampleSize">The length of one sample.</param>
    /// <param name="actual">The length given.</param>
    [DoesNotReturn]
    public static void ThrowNotMultiple(string paramName, int sampleSize, int actual) =>
        throw new ArgumentException($"'{paramName}' must have a length that is a multiple of {sampleSize}, but has length {actual}.", paramName);

    /// <summary>Throws the <see cref="ArgumentOutOfRangeException"/> for a class index outside [0, classes).</summary>
    /// <param name="label">The class index given.</param>
    /// <param name="classes">The number of classes (the output size).</param>
    [DoesNotReturn]
    public static void ThrowLabelOutOfRange(int label, int classes) =>
        throw new ArgumentOutOfRangeException(nameof(label), label, $"'label' must be in [0, {classes}), but is {label}.");

    /// <summary>Creates the <see cref="InvalidOperationException"/> thrown by the members of a network whose declaration has errors.</summary>
    /// <param name="typeName">The network type.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException InvalidDeclaration(string typeName) =>
        new InvalidOperationException($"The [Network] declaration of '{typeName}' has errors (see the SNET diagnostics of the build); no code was generated for it.");
}
