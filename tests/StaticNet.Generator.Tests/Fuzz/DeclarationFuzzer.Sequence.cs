using System.Collections.Generic;
using System.Linq;

namespace StaticNet.Generator.Tests.Fuzz;

/// <summary>
/// Declarations of the layer-attribute form (<c>[Network(Input = n)]</c> with <c>[Dense]</c>, <c>[Conv1D]</c>,
/// <c>[Gru]</c>, <c>[Lstm]</c>): valid random stacks, and stacks with one to three of the form's rules broken, each
/// with the SNET errors it deserves (<see cref="SequenceDeclaration.Violations"/>).
/// </summary>
internal sealed partial class DeclarationFuzzer
{
    private static readonly string[] LayerKinds = ["Dense", "Conv1D", "Gru", "Lstm"];

    private void AddValidSequence()
    {
        Begin();
        SequenceDeclaration d = RandomSequence();
        SortedSet<string> violations = d.Violations();
        if (violations.Count != 0)
        {
            throw new System.InvalidOperationException($"the fuzzer wrote a valid sequence declaration as an invalid one ({string.Join(", ", violations)})");
        }

        _template = "Sequence";
        Add("valid: sequence layers", Verdict.Valid, [], [Render(d)]);
    }

    private void AddInvalidSequence()
    {
        Begin();
        SequenceDeclaration d = RandomSequence();
        string first = string.Empty;
        int mutations = _r.Next(10) < 7 ? 1 : _r.Next(2, 4);
        for (int attempt = 0; attempt < 100 && (mutations > 0 || d.Violations().Count == 0); attempt++)
        {
            string name = MutateSequence(d);
            first = first.Length == 0 ? name : first;
            mutations--;
        }

        _template = "Sequence";
        Add("invalid sequence: " + first, Verdict.Invalid, d.Violations(), [Render(d)]);
    }

    /// <summary>The layer attributes on another partial declaration than [Network]: SNET0023.</summary>
    private void AddSpreadLayerAttributes()
    {
        Begin();
        SequenceDeclaration d = RandomSequence();
        int split = _r.Next(d.Layers.Count);
        string id = FuzzCase.Tag(_number);
        _template = "SequenceSplit";
        string network = $"[Network({string.Join(", ", NetworkArguments(d))})]";
        string[] files = [$$"""
            using StaticNet;

            namespace Fuzz.{{id}};

            /// <summary>Fuzz.</summary>
            {{network}}
            {{string.Concat(d.Layers.Take(split).Select(l => Layer(l) + "\n"))}}public partial class Net;
            """, $$"""
            using StaticNet;

            namespace Fuzz.{{id}};

            {{string.Concat(d.Layers.Skip(split).Select(l => Layer(l) + "\n"))}}public partial class Net;
            """];
        Add("invalid sequence: layer attributes spread", Verdict.Invalid, ["SNET0023", .. d.Violations()], files);
    }

    /// <summary>Layer attributes and no [Network]: the analyzer's SNET0025, no code.</summary>
    private void AddLayerAttributesWithoutNetwork()
    {
        Begin();
        SequenceDeclaration d = RandomSequence();
        string id = FuzzCase.Tag(_number);
        _template = "SequenceWithoutNetwork";
        Add("invalid sequence: no [Network]", Verdict.Invalid, ["SNET0025"], [$$"""
            using StaticNet;

            namespace Fuzz.{{id}};

            /// <summary>Fuzz.</summary>
            {{string.Concat(d.Layers.Select(l => Layer(l) + "\n"))}}public partial class Net;
            """]);
    }

    /// <summary>
    /// A valid network whose other members or base class the generated members cannot live with (SNET0026–SNET0029):
    /// a primary constructor, a base class without a callable parameterless constructor, a required member, a member by a
    /// reserved name or a constructor the generator declares. The user's file compiles on its own.
    /// </summary>
    private void AddMemberProblem()
    {
        Begin();
        string id = FuzzCase.Tag(_number);
        string attribute;
        if (_r.Next(2) == 0)
        {
            attribute = Spell(Pick(_small)).Render(_r);
        }
        else
        {
            SequenceDeclaration sequence = RandomSequence();
            attribute = $"[Network({string.Join(", ", NetworkArguments(sequence))})]\n" + string.Concat(sequence.Layers.Select(l => Layer(l) + "\n")).TrimEnd('\n');
        }

        (string Id, string Before, string Declaration)[] problems =
        [
            ("SNET0026", "", $"public partial record Net(string Name{(_r.Next(2) == 0 ? ", int Size" : "")});"),
            ("SNET0026", "", "public partial class Net(int size) { private readonly int _size = size; }"),
            ("SNET0027", "/// <summary>Base.</summary>\npublic class Base { /// <summary>Base.</summary>\npublic Base(string name) { } }", "public partial class Net : Base { /// <summary>Net.</summary>\npublic Net(string name, bool other) : base(name) { } }"),
            ("SNET0028", "", $"public partial class Net {{ /// <summary>Member.</summary>\npublic required {Pick(["string Agent { get; init; }", "int Count;", "object Tag { get; set; }"])} }}"),
            ("SNET0029", "", $"public partial class Net {{ /// <summary>Member.</summary>\npublic {Pick(["int Forward", "string Parameters", "int InputSize", "int Step", "object Topology", "int Predict", "int StateSize"])} {{ get; }} }}"),
            ("SNET0029", "", $"public partial class Net {{ /// <summary>Constructor.</summary>\npublic Net({Pick(["", "int seed"])}) {{ }} }}"),
        ];
        (string expected, string before, string declaration) = Pick(problems);
        _template = "MemberProblem";
        Add("invalid: member or base class clash", Verdict.Invalid, [expected], [$$"""
            using StaticNet;

            namespace Fuzz.{{id}};

            {{before}}

            /// <summary>Fuzz.</summary>
            {{attribute}}
            {{declaration}}
            """]);
    }

    /// <summary>A valid stack of 1 to 4 layers, at least one of them a sequence layer; sizes 1 to 40.</summary>
    private SequenceDeclaration RandomSequence()
    {
        var d = new SequenceDeclaration { Input = _r.Next(1, 41), Loss = _r.Next(3), Precision = _r.Next(10) < 3 ? 1 : _r.Next(2) == 0 ? 0 : null };
        int count = _r.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            int kind = _r.Next(4);
            int? activation = kind is 0 or 1 && _r.Next(3) != 0 ? Pick(HiddenActivations) : null;
            d.Layers.Add(new SequenceLayer(kind, _r.Next(1, 41), kind == 1 ? _r.Next(1, 6) : null, kind == 1 && _r.Next(2) == 0 ? _r.Next(1, 5) : null, activation));
        }

        if (d.Layers.All(l => l.Kind == 0))
        {
            d.Layers[_r.Next(count)] = new SequenceLayer(2 + _r.Next(2), _r.Next(1, 41), null, null, null);
        }

        // The loss's output: a dense layer of at least two classes with Softmax, one with Sigmoid, anything for MSE.
        if (d.Loss is 1 or 2)
        {
            d.Layers.Add(new SequenceLayer(0, d.Loss == 1 ? _r.Next(2, 11) : _r.Next(1, 11), null, null, d.Loss == 1 ? 5 : 3));
        }
        else if (d.Loss == 0 && _r.Next(2) == 0)
        {
            d.Loss = null;
        }

        return d;
    }

    private string MutateSequence(SequenceDeclaration d)
    {
        if (d.Layers.Count == 0)
        {
            d.Layers.Add(new SequenceLayer(2, _r.Next(1, 9), null, null, null));
        }

        int at = _r.Next(d.Layers.Count);
        SequenceLayer layer = d.Layers[at];
        switch (_r.Next(12))
        {
            case 0:
                d.Input = _r.Next(2) == 0 ? null : Pick([0, -1, -40, int.MinValue]);
                return "Input missing or below 1";
            case 1:
                d.Layers[at] = layer with { Size = Pick([0, -1, -7, int.MinValue]) };
                return "layer size below 1";
            case 2:
                int index = d.Layers.FindIndex(l => l.Kind == 1);
                if (index < 0)
                {
                    d.Layers.Insert(at, new SequenceLayer(1, _r.Next(1, 9), null, null, null));
                    return "Conv1D without KernelSize";
                }

                d.Layers[index] = d.Layers[index] with { KernelSize = _r.Next(2) == 0 ? null : Pick([0, -1, -3]) };
                return "Conv1D KernelSize missing or below 1";
            case 3:
                d.Layers.Insert(at, new SequenceLayer(1, _r.Next(1, 9), _r.Next(1, 4), Pick([0, -1, -4]), null));
                return "Conv1D Dilation below 1";
            case 4:
                if (d.Layers.Count < 2)
                {
                    d.Layers.Add(new SequenceLayer(2, 3, null, null, null));
                }

                int hidden = _r.Next(d.Layers.Count - 1);
                d.Layers[hidden] = WithActivation(d.Layers[hidden], 5);
                return "Softmax before the last layer";
            case 5:
                d.Loss = _r.Next(2) + 1;
                d.Layers[^1] = WithActivation(d.Layers[^1], Pick([0, 1, 4, 7]));
                return "loss without its output activation";
            case 6:
                d.Layers[at] = WithActivation(layer, Pick(OutOfRange));
                return "layer activation undefined";
            case 7:
                if (_r.Next(2) == 0)
                {
                    d.Loss = Pick([3, .. OutOfRange]);
                }
                else
                {
                    d.Precision = Pick([2, .. OutOfRange]);
                }

                return "loss or precision undefined";
            case 8:
                d.Extra = Pick(["Layers = [1, 2]", "Activation = Activation.Tanh", "Output = Activation.Identity", "Activations = [Activation.Tanh]", "Layers = new[] { 3, 4, 1 }"]);
                return "a Layers-form argument";
            case 9:
                d.Layers.Clear();
                return "Input without layers";
            default:
                d.Layers[at] = layer with { Size = Pick([0, -2]) };
                d.Input = Pick([0, -1]);
                return "sizes below 1";
        }
    }

    /// <summary>The layer with an activation: a GRU or LSTM (which has none) becomes a Dense or Conv1D layer of its size.</summary>
    private SequenceLayer WithActivation(SequenceLayer layer, int activation) => layer.Kind is 0 or 1
        ? layer with { Activation = activation }
        : _r.Next(2) == 0 ? new SequenceLayer(0, layer.Size, null, null, activation) : new SequenceLayer(1, layer.Size, _r.Next(1, 4), null, activation);

    private string Render(SequenceDeclaration d) => $$"""
        using StaticNet;

        namespace Fuzz.{{FuzzCase.Tag(_number)}};

        /// <summary>Fuzz.</summary>
        [Network({{string.Join(", ", NetworkArguments(d))}})]
        {{string.Concat(d.Layers.Select(l => Layer(l) + "\n"))}}public partial class Net;
        """;

    private List<string> NetworkArguments(SequenceDeclaration d)
    {
        var arguments = new List<string>();
        if (d.Input is int input)
        {
            arguments.Add($"Input = {Int(input)}");
        }

        if (d.Loss is int loss)
        {
            arguments.Add($"Loss = {EnumText("Loss", loss)}");
        }

        if (d.Precision is int precision)
        {
            arguments.Add($"Precision = {EnumText("Precision", precision)}");
        }

        if (d.Extra is not null)
        {
            arguments.Add(d.Extra);
        }

        _r.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arguments));
        return arguments;
    }

    private string Layer(SequenceLayer layer)
    {
        var named = new List<string>();
        if (layer.KernelSize is int kernel)
        {
            named.Add($"KernelSize = {Int(kernel)}");
        }

        if (layer.Dilation is int dilation)
        {
            named.Add($"Dilation = {Int(dilation)}");
        }

        if (layer.Activation is int activation)
        {
            named.Add($"Activation = {EnumText("Activation", activation)}");
        }

        _r.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(named));
        string name = LayerKinds[layer.Kind];
        return $"[{name}({string.Join(", ", new[] { Int(layer.Size) }.Concat(named))})]";
    }
}

/// <summary>One layer attribute as the fuzzer writes it: kind 0 Dense, 1 Conv1D, 2 Gru, 3 Lstm; null for an argument not written.</summary>
internal sealed record SequenceLayer(int Kind, int Size, int? KernelSize, int? Dilation, int? Activation);

/// <summary>A layer-attribute declaration, and the SNET errors it deserves.</summary>
internal sealed class SequenceDeclaration
{
    private const int Softmax = 5;
    private const int Sigmoid = 3;

    public int? Input { get; set; }

    public int? Loss { get; set; }

    public int? Precision { get; set; }

    /// <summary>An argument of the Layers form written on [Network] too.</summary>
    public string? Extra { get; set; }

    public List<SequenceLayer> Layers { get; } = [];

    /// <summary>The rules of the layer form it breaks (README, "Sequence layers"; SNET0004, 0008–0011, 0022, 0024).</summary>
    public SortedSet<string> Violations()
    {
        var ids = new SortedSet<string>(System.StringComparer.Ordinal);
        if (Loss is int loss && (loss < 0 || loss > Declaration.LossMax))
        {
            ids.Add("SNET0011");
        }

        if (Precision is int precision && (precision < 0 || precision > Declaration.PrecisionMax))
        {
            ids.Add("SNET0011");
        }

        if (Extra is not null)
        {
            ids.Add("SNET0022");
        }

        if (Input is not int input || input < 1)
        {
            ids.Add("SNET0024");
        }

        if (Layers.Count == 0)
        {
            ids.Add("SNET0004");
            return ids;
        }

        for (int i = 0; i < Layers.Count; i++)
        {
            SequenceLayer layer = Layers[i];
            if (layer.Size < 1 || (layer.Kind == 1 && (layer.KernelSize is not int k || k < 1)) || layer.Dilation is < 1)
            {
                ids.Add("SNET0024");
            }

            if (layer.Activation is int a && (a < 0 || a > Declaration.ActivationMax))
            {
                ids.Add("SNET0011");
            }

            if (layer.Activation == Softmax && i < Layers.Count - 1)
            {
                ids.Add("SNET0008");
            }
        }

        int output = Layers[^1].Kind is 0 or 1 ? Layers[^1].Activation ?? 0 : 0;
        if (Loss == 1 && output != Softmax)
        {
            ids.Add("SNET0009");
        }

        if (Loss == 2 && output != Sigmoid)
        {
            ids.Add("SNET0010");
        }

        return ids;
    }
}
