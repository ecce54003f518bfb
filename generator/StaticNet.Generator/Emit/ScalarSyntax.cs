using System;
using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>The spelling of the scalar type and of the activation math in it (<see cref="float"/> or <see cref="double"/>).</summary>
internal sealed class ScalarSyntax
{
    public static readonly ScalarSyntax Single = new("float", "global::System.MathF", "f");
    public static readonly ScalarSyntax Double = new("double", "global::System.Math", "d");

    private readonly string _suffix;

    private ScalarSyntax(string type, string math, string suffix)
    {
        Type = type;
        Math = math;
        _suffix = suffix;
    }

    /// <summary>The C# keyword, <c>float</c> or <c>double</c>.</summary>
    public string Type { get; }

    /// <summary>The math class, <c>MathF</c> or <c>Math</c>.</summary>
    public string Math { get; }

    public string Vector => $"global::System.Numerics.Vector<{Type}>";

    public static ScalarSyntax For(ScalarKind kind) => kind == ScalarKind.Double ? Double : Single;

    /// <summary>A culture-proof literal of the scalar type that round-trips the value as that type.</summary>
    public string Literal(double value) => Type == "float"
        ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + _suffix
        : value.ToString("R", CultureInfo.InvariantCulture) + _suffix;

    /// <summary>The activation of the pre-activation <paramref name="z"/> (a simple variable name); Softmax is applied per layer, not here.</summary>
    public string Activate(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.ReLU => $"{z} < {Literal(0)} ? {Literal(0)} : {z}",
        ActivationKind.LeakyReLU => $"{z} < {Literal(0)} ? {Literal(0.01)} * {z} : {z}",
        ActivationKind.Sigmoid => $"{Literal(1)} / ({Literal(1)} + {Math}.Exp(-{z}))",
        ActivationKind.Tanh => $"{Math}.Tanh({z})",
        ActivationKind.Identity or ActivationKind.Softmax => z,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>
    /// The gradient with respect to the pre-activation, from the gradient <paramref name="g"/> with respect to the
    /// activation and the activation value <paramref name="a"/> (both simple expressions). ReLU'(0) = 0 as in PyTorch.
    /// Null for Identity (nothing to do); Softmax is handled by the loss.
    /// </summary>
    public string? Derivative(ActivationKind activation, string g, string a) => activation switch
    {
        ActivationKind.ReLU => $"{a} <= {Literal(0)} ? {Literal(0)} : {g}",
        ActivationKind.LeakyReLU => $"{a} > {Literal(0)} ? {g} : {Literal(0.01)} * {g}",
        ActivationKind.Sigmoid => $"{g} * {a} * ({Literal(1)} - {a})",
        ActivationKind.Tanh => $"{g} * ({Literal(1)} - {a} * {a})",
        ActivationKind.Identity => null,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
