using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Tests.Fuzz;

/// <summary>
/// The arguments of one <c>[Network]</c> attribute as the fuzzer wrote them: the text of each argument and, beside
/// it, the value it stands for, from which <see cref="Violations"/> derives the SNET errors the declaration deserves.
/// </summary>
internal sealed class Declaration
{
    public const int ActivationMax = 9;
    public const int LossMax = 2;
    public const int PrecisionMax = 1;
    private const int Softmax = 5;
    private const int Sigmoid = 3;

    private Dictionary<string, string> _text = new(StringComparer.Ordinal);

    /// <summary>Whether <c>Layers</c> is given; its value, <see langword="null"/> for a null literal.</summary>
    public bool HasLayers { get; private set; }

    public int[]? Layers { get; private set; }

    public int? Activation { get; private set; }

    public int? Output { get; private set; }

    public int? Loss { get; private set; }

    public int? Precision { get; private set; }

    /// <summary>Whether <c>Activations</c> is given; its value, <see langword="null"/> for a null literal (which counts as not given).</summary>
    public bool HasActivations { get; private set; }

    public int[]? Activations { get; private set; }

    /// <summary>Arguments written as they are, with no value for the oracle (the compiler rejects them).</summary>
    public List<string> Verbatim { get; private set; } = [];

    public IEnumerable<string> Names => _text.Keys;

    public Declaration Clone()
    {
        var copy = (Declaration)MemberwiseClone();
        copy._text = new Dictionary<string, string>(_text, StringComparer.Ordinal);
        copy.Verbatim = [.. Verbatim];
        return copy;
    }

    public void SetLayers(int[]? value, string text)
    {
        HasLayers = true;
        Layers = value;
        _text["Layers"] = text;
    }

    public void SetActivations(int[]? value, string text)
    {
        HasActivations = true;
        Activations = value;
        _text["Activations"] = text;
    }

    public void SetEnum(string name, int value, string text)
    {
        switch (name)
        {
            case "Activation": Activation = value; break;
            case "Output": Output = value; break;
            case "Loss": Loss = value; break;
            case "Precision": Precision = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        _text[name] = text;
    }

    /// <summary>Forgets an argument, as if it had not been written.</summary>
    public void Remove(string name)
    {
        _text.Remove(name);
        switch (name)
        {
            case "Layers": HasLayers = false; Layers = null; break;
            case "Activations": HasActivations = false; Activations = null; break;
            case "Activation": Activation = null; break;
            case "Output": Output = null; break;
            case "Loss": Loss = null; break;
            case "Precision": Precision = null; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    /// <summary>Forgets those of the arguments that are given.</summary>
    public void RemoveIfGiven(params string[] names)
    {
        foreach (string name in names.Where(_text.ContainsKey).ToArray())
        {
            Remove(name);
        }
    }

    /// <summary>The attribute, e.g. <c>[Network(Layers = [2, 3], Loss = Loss.MeanSquaredError)]</c>, arguments in a random order.</summary>
    public string Render(Random random, string attributeName = "Network")
    {
        List<string> arguments = _text.Select(pair => $"{pair.Key} = {pair.Value}").Concat(Verbatim).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arguments));
        return arguments.Count == 0
            ? random.Next(2) == 0 ? $"[{attributeName}]" : $"[{attributeName}()]"
            : $"[{attributeName}({string.Join(", ", arguments)})]";
    }

    /// <summary>
    /// The SNET errors this declaration deserves: every rule of the [Network] contract it breaks (README, "Declaring a
    /// network"). The generator must report at least one of them, and no other, for an invalid declaration.
    /// </summary>
    public SortedSet<string> Violations()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        void CheckEnum(int? value, int max)
        {
            if (value is int v && (v < 0 || v > max))
            {
                ids.Add("SNET0011");
            }
        }

        CheckEnum(Loss, LossMax);
        CheckEnum(Precision, PrecisionMax);
        CheckEnum(Activation, ActivationMax);
        CheckEnum(Output, ActivationMax);
        foreach (int value in Activations ?? [])
        {
            CheckEnum(value, ActivationMax);
        }

        bool list = HasActivations && Activations is not null;
        if (list && (Activation is not null || Output is not null))
        {
            ids.Add("SNET0006");
        }

        if (!HasLayers || Layers is null || Layers.Length < 2)
        {
            ids.Add("SNET0004");
            return ids;
        }

        int layerCount = Layers.Length - 1;
        int? output;
        if (list)
        {
            if (Activations!.Length != layerCount)
            {
                ids.Add("SNET0007");
                output = null;
            }
            else
            {
                for (int i = 0; i < layerCount - 1; i++)
                {
                    if (Activations[i] == Softmax)
                    {
                        ids.Add("SNET0008");
                    }
                }

                output = Activations[layerCount - 1];
            }
        }
        else
        {
            if ((Activation ?? 1) == Softmax && layerCount > 1)
            {
                ids.Add("SNET0008");
            }

            output = Output ?? 0;
        }

        if (Loss == 1 && output is int o1 && o1 != Softmax)
        {
            ids.Add("SNET0009");
        }

        if (Loss == 2 && output is int o2 && o2 != Sigmoid)
        {
            ids.Add("SNET0010");
        }

        if (Layers.Any(size => size < 1))
        {
            ids.Add("SNET0005");
        }
        else if (NetworkPlanner.ParameterArrayLength(Parameters(Layers), Precision == 1 ? Shared.Precision.Double : Shared.Precision.Single) > NetworkPlanner.MaxArrayLength
            || Scratch(Layers) > NetworkPlanner.MaxArrayLength)
        {
            ids.Add("SNET0012");
        }

        return ids;
    }

    /// <summary>Whether a valid declaration's scratch memory is above the stack limit (so SNET0014 is due).</summary>
    public bool ScratchOnHeap() =>
        Scratch(Layers!) * (Precision == 1 ? 8 : 4) > NetworkPlanner.StackScratchLimitBytes;

    public static long Parameters(int[] sizes)
    {
        long total = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            total += ((long)sizes[i] + 1) * sizes[i + 1];
        }

        return total;
    }

    public static long Scratch(int[] sizes) => NetworkPlanner.ScratchLength(
        Enumerable.Range(0, sizes.Length - 1).Select(i => (Layers.LayerSpec)new Layers.Dense.DenseLayerSpec(sizes[i], sizes[i + 1], Shared.Activation.ReLU)).ToEquatableArray());

    public override string ToString() => string.Join(", ", _text.Select(p => $"{p.Key} = {p.Value}").Concat(Verbatim));

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
