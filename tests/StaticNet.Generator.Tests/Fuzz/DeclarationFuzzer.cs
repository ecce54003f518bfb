using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static StaticNet.Generator.Tests.Fuzz.Declaration;

namespace StaticNet.Generator.Tests.Fuzz;

/// <summary>
/// Writes random and extreme <c>[Network]</c> declarations, each with the verdict of an oracle that knows the rules of
/// the attribute (<see cref="Declaration.Violations"/>) independently of the generator's parser.
/// </summary>
/// <remarks>
/// Valid declarations draw their topology from a fixed pool of 45 topologies (40 random, 5 extreme; the hierarchy
/// variants from two small ones), so that many cases share their generated code up to the case's tag and the test
/// compiles each distinct generated file once. Everything else (argument spelling and order, constants, hierarchy, files) varies
/// freely.
/// </remarks>
internal sealed partial class DeclarationFuzzer
{
    private static readonly string[] ActivationNames = ["Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Gelu", "Silu", "Elu", "Softplus"];
    private static readonly int[] HiddenActivations = [0, 1, 2, 3, 4, 6, 7, 8, 9];
    private static readonly string[] LossNames = ["MeanSquaredError", "CrossEntropy", "BinaryCrossEntropy"];
    private static readonly string[] PrecisionNames = ["Single", "Double"];
    private static readonly int[] OutOfRange = [10, 11, 42, 255, -1, -100, int.MaxValue, int.MinValue];

    private readonly Random _r;
    private readonly Topology[] _pool;
    private readonly Topology[] _small;
    private readonly List<FuzzCase> _cases = [];
    private readonly List<string> _constants = [];
    private int _number;
    private string? _template;
    private bool _usesGeneratedMembers;

    public DeclarationFuzzer(int seed)
    {
        _r = new Random(seed);
        _pool = [.. Enumerable.Range(0, 40).Select(_ => RandomTopology()),
            // Extremes that are still valid: one unit, a deep chain of ones, scratch on the heap, 2.1e9 parameters.
            new Topology([1, 1], [0], 0, 0),
            new Topology([1, 1, 1, 1, 1, 1, 1, 1, 1], [4, 4, 4, 4, 4, 4, 4, 0], 0, 1),
            new Topology([4, 20000, 3], [1, 5], 1, 0),
            new Topology([1, 400_000_000], [3], 2, 0),
            new Topology([46000, 46000], [0], 0, 0)];
        _small = [new Topology([2, 3], [0], 0, 0), new Topology([3, 4, 2], [1, 5], 1, 1)];
    }

    /// <summary>A network that is valid whatever spelling the fuzzer gives it.</summary>
    public sealed record Topology(int[] Sizes, int[] Activations, int Loss, int Precision);

    public IReadOnlyList<FuzzCase> Cases => _cases;

    /// <summary>Writes 12,300 declarations: 10,500 of the Layers form, 1,600 of the layer-attribute form, 200 whose members or base class clash with the generated members.</summary>
    public DeclarationFuzzer Generate()
    {
        Repeat(800, () => AddValid("valid: random topology", Pick(_pool), ValidShape.FileScoped));
        Repeat(700, () => AddValid("valid: hierarchy and spelling", Pick(_small), Pick(ValidShapes)));
        Repeat(100, () => AddValid("valid: AllowUnsafeBlocks off", _small[0], ValidShape.FileScoped, allowUnsafe: false));
        Repeat(4900, AddInvalidTopology);
        Repeat(800, AddInvalidShape);
        Repeat(400, AddOldLanguageVersion);
        Repeat(400, AddNonClassTarget);
        Repeat(500, AddDuplicateAttribute);
        Repeat(900, AddWrongType);
        Repeat(1000, AddSyntaxError);
        Repeat(400, AddValidSequence);
        Repeat(1100, AddInvalidSequence);
        Repeat(50, AddSpreadLayerAttributes);
        Repeat(50, AddLayerAttributesWithoutNetwork);
        Repeat(200, AddMemberProblem);
        return this;
    }

    private void Repeat(int count, Action add)
    {
        for (int i = 0; i < count; i++)
        {
            add();
        }
    }

    // ---------------------------------------------------------------- valid

    private enum ValidShape
    {
        FileScoped, BlockNamespace, NestedNamespaces, GlobalNamespace, InClass, InStruct, InRecord, InRecordStruct,
        InInterface, ThreeDeep, Record, SealedInternal, PrivateNested, SplitAttributeFirst, SplitAttributeSecond,
        SplitThreeFiles, TypeTarget, CombinedList, Alias, FullyQualified, QualifiedShortName, KeywordName, UnicodeName,
        DecoyTypes, WithMembers,
    }

    private static readonly ValidShape[] ValidShapes = Enum.GetValues<ValidShape>();

    private void AddValid(string category, Topology topology, ValidShape shape, bool allowUnsafe = true)
    {
        Begin();
        Declaration declaration = Spell(topology);
        string[] files = RenderValid(shape, declaration);
        SortedSet<string> violations = declaration.Violations();
        if (violations.Count != 0)
        {
            throw new InvalidOperationException($"the fuzzer spelled a valid topology as an invalid one: {declaration} ({string.Join(", ", violations)})");
        }

        Add(category, Verdict.Valid, [], files, allowUnsafe: allowUnsafe, heap: declaration.ScratchOnHeap());
    }

    private string[] RenderValid(ValidShape shape, Declaration d)
    {
        _template = shape.ToString();
        _usesGeneratedMembers = shape is ValidShape.PrivateNested or ValidShape.SplitAttributeFirst or ValidShape.SplitThreeFiles or ValidShape.WithMembers;
        string id = FuzzCase.Tag(_number);
        string a = d.Render(_r);
        return shape switch
        {
            ValidShape.FileScoped => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class Net;
                """],
            ValidShape.BlockNamespace => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}}
                {
                    /// <summary>Fuzz.</summary>
                    {{a}}
                    internal sealed partial class Net
                    {
                    }
                }
                """],
            ValidShape.NestedNamespaces => [$$"""
                namespace Fuzz
                {
                    using StaticNet;

                    namespace {{id}}.Inner
                    {
                        /// <summary>Fuzz.</summary>
                        {{a}}
                        public partial class Net { }
                    }
                }
                """],
            ValidShape.GlobalNamespace => [$$"""
                using StaticNet;

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class {{id}}Net;
                """],
            ValidShape.InClass => [Nested(id, a, "public partial class Outer")],
            ValidShape.InStruct => [Nested(id, a, "public partial struct Outer")],
            ValidShape.InRecord => [Nested(id, a, "public partial record Outer")],
            ValidShape.InRecordStruct => [Nested(id, a, "internal readonly partial record struct Outer")],
            ValidShape.InInterface => [Nested(id, a, "public partial interface IOuter")],
            ValidShape.ThreeDeep => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                public static partial class A
                {
                    /// <summary>Fuzz.</summary>
                    public partial struct B
                    {
                        /// <summary>Fuzz.</summary>
                        public sealed partial record C
                        {
                            /// <summary>Fuzz.</summary>
                            {{a}}
                            public partial class Net;
                        }
                    }
                }
                """],
            ValidShape.Record => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a}}
                public sealed partial record Net;
                """],
            ValidShape.SealedInternal => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                {{a}}
                internal sealed unsafe partial class Net;
                """],
            ValidShape.PrivateNested => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                public partial class Outer
                {
                    {{a}}
                    private protected sealed partial class Net;

                    /// <summary>Uses the network.</summary>
                    /// <returns>Its parameter count.</returns>
                    public static int Count() => Net.ParameterCount;
                }
                """],
            ValidShape.SplitAttributeFirst => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class Net;
                """, $$"""
                namespace Fuzz.{{id}};

                public partial class Net
                {
                    /// <summary>A member of the other part.</summary>
                    public int Extra => InputSize + OutputSize;
                }
                """],
            ValidShape.SplitAttributeSecond => [$$"""
                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                public sealed partial class Net
                {
                }
                """, $$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                {{a}}
                partial class Net;
                """],
            ValidShape.SplitThreeFiles => [$$"""
                namespace Fuzz.{{id}} { /// <summary>Fuzz.</summary>
                public partial class Net { } }
                """, $$"""
                namespace Fuzz.{{id}} { partial class Net { /// <summary>Fuzz.</summary>
                public static int Twice => 2 * ParameterCount; } }
                """, $$"""
                using StaticNet;
                namespace Fuzz.{{id}} { {{a}} partial class Net; }
                """],
            ValidShape.TypeTarget => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a.Insert(1, "type: ")}}
                public partial class Net;
                """],
            ValidShape.CombinedList => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a[..^1]}}, System.Serializable]
                [System.Diagnostics.DebuggerDisplay("{ParameterCount}")]
                public partial class Net;
                """],
            ValidShape.Alias => [$$"""
                using NN = StaticNet.NetworkAttribute;
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{d.Render(_r, "NN")}}
                public partial class Net;
                """],
            ValidShape.FullyQualified => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{d.Render(_r, "global::StaticNet.NetworkAttribute")}}
                public partial class Net;
                """],
            ValidShape.QualifiedShortName => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{d.Render(_r, "StaticNet.Network")}}
                public partial class Net;
                """],
            ValidShape.KeywordName => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}}.@namespace;

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class @class;
                """],
            ValidShape.UnicodeName => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}}.Réseaux;

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class Сеть_网络;
                """],
            ValidShape.DecoyTypes => [$$"""
                using StaticNet;

                namespace Fuzz.{{id}}.System
                {
                    /// <summary>Fuzz.</summary>
                    {{a}}
                    public partial class Net;

                    // Types that share the names of those the generated code uses: it must qualify every one with global::.
                    internal sealed class Span { }
                    internal static class MemoryMarshal { }
                    internal static class Vector { }
                    internal static class Math { }
                    internal static class MathF { }
                    internal static class Unsafe { }
                    internal static class ArgumentException { }
                    internal static class Buffers { }
                    internal sealed class Runtime { }
                    internal sealed class GeneratedCodeHelpers { }
                    internal sealed class INetwork<T> { }
                }
                """],
            ValidShape.WithMembers => [$$"""
                using System;
                using StaticNet;

                namespace Fuzz.{{id}};

                /// <summary>Fuzz.</summary>
                {{a}}
                public partial class Net : IComparable<Net>
                {
                    private readonly int _tag = 7;

                    /// <summary>The tag.</summary>
                    public int Tag => _tag;

                    /// <inheritdoc/>
                    public int CompareTo(Net? other) => other is null ? 1 : ParameterCount.CompareTo(ParameterCount);

                    /// <summary>Runs the network once.</summary>
                    /// <returns>The first output.</returns>
                    public float First()
                    {
                        Span<int> sizes = stackalloc int[LayerSizes.Length];
                        LayerSizes.CopyTo(sizes);
                        return sizes[0];
                    }
                }
                """],
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    private static string Nested(string id, string attribute, string outer) => $$"""
        using StaticNet;

        namespace Fuzz.{{id}};

        /// <summary>Fuzz.</summary>
        {{outer}}
        {
            /// <summary>Fuzz.</summary>
            {{attribute}}
            public partial class Net;
        }
        """;

    // ---------------------------------------------------------------- invalid networks (legal C#)

    private void AddInvalidTopology()
    {
        Begin();
        Declaration d = Spell(RandomTopology());
        string first = string.Empty;
        int mutations = _r.Next(10) < 7 ? 1 : _r.Next(2, 4);
        for (int attempt = 0; attempt < 100 && (mutations > 0 || d.Violations().Count == 0); attempt++)
        {
            string name = MutateTopology(d);
            first = first.Length == 0 ? name : first;
            mutations--;
        }

        // The templates that use the generated members need a compilation of their own per declaration: valid ones only.
        ValidShape shape = _r.Next(10) == 0 ? Pick(ValidShapes) : ValidShape.FileScoped;
        shape = shape is ValidShape.PrivateNested or ValidShape.SplitAttributeFirst or ValidShape.SplitThreeFiles or ValidShape.WithMembers ? ValidShape.FileScoped : shape;
        Add("invalid: " + first, Verdict.Invalid, d.Violations(), RenderValid(shape, d));
    }

    private string MutateTopology(Declaration d)
    {
        int[] sizes = d.Layers is { Length: >= 2 } given ? given : [3, 4, 2];
        switch (_r.Next(13))
        {
            case 0:
                if (d.HasLayers)
                {
                    d.Remove("Layers");
                }

                return "Layers missing";
            case 1:
                d.SetLayers(null, Pick(["null", "null!", "default", "default(int[])", "default!", "(int[])null!"]));
                return "Layers null";
            case 2:
                d.SetLayers([], Pick(["[]", "new int[0]", "new int[] { }", "new int[] {}"]));
                return "Layers empty";
            case 3:
                int single = RandomSize();
                d.SetLayers([single], Collection([single]));
                return "Layers with one entry";
            case 4:
                int[] small = [.. sizes];
                for (int i = _r.Next(1, 4); i > 0; i--)
                {
                    small[_r.Next(small.Length)] = Pick([0, -1, -7, -65536, int.MinValue, int.MinValue + 1]);
                }

                d.SetLayers(small, Collection(small));
                return "size below 1";
            case 5:
                int[] huge = Pick<int[]>([[100000, 100000], [1, int.MaxValue], [int.MaxValue, int.MaxValue], [46341, 46341],
                    [int.MaxValue, 2, int.MaxValue], [3, 1_000_000_000], [65536, 65536, 65536], [700_000_000, 1],
                    [int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue], [2, 3, 1_500_000_000]]);
                d.SetLayers(huge, Collection(huge));
                return "too large";
            case 6:
                string property = Pick(["Activation", "Output", "Loss", "Precision"]);
                int value = property switch
                {
                    "Loss" => Pick([3, .. OutOfRange]),
                    "Precision" => Pick([2, .. OutOfRange]),
                    _ => Pick(OutOfRange),
                };
                d.SetEnum(property, value, EnumText(property == "Output" ? "Activation" : property, value));
                return "enum out of range";
            case 7:
                int[] list = [.. Enumerable.Range(0, Math.Max(1, sizes.Length - 1)).Select(_ => HiddenActivation())];
                list[_r.Next(list.Length)] = Pick(OutOfRange);
                d.RemoveIfGiven("Activation", "Output");
                d.SetActivations(list, ActivationsText(list));
                return "Activations entry out of range";
            case 8:
                // Flags-style arithmetic on the enum: Tanh | ReLU is 5 (Softmax), Softplus | Tanh is 13 (undefined).
                (string text, int flags) = Pick([("Activation.Tanh | Activation.ReLU", 5), ("Activation.Softplus | Activation.Tanh", 13), ("Activation.Softplus + 3", 12), ("~Activation.Identity", -1)]);
                d.SetEnum(Pick(["Activation", "Output"]), flags, text);
                return "enum arithmetic";
            case 9:
                int[] activations = d.Activations ?? [.. Enumerable.Range(0, Math.Max(1, sizes.Length - 1)).Select(_ => HiddenActivation())];
                d.SetActivations(activations, ActivationsText(activations));
                string conflict = Pick(["Activation", "Output"]);
                int conflictValue = HiddenActivation();
                d.SetEnum(conflict, conflictValue, EnumText("Activation", conflictValue));
                return "Activations with Activation or Output";
            case 10:
                int length = Pick([0, 1, 2, 3, 7, sizes.Length, sizes.Length + 1]);
                int[] wrong = [.. Enumerable.Range(0, length).Select(_ => HiddenActivation())];
                d.RemoveIfGiven("Activation", "Output");
                d.SetActivations(wrong, ActivationsText(wrong));
                return "Activations of the wrong length";
            case 11:
                if (sizes.Length < 3)
                {
                    int[] longer = [.. sizes, RandomSize()];
                    d.SetLayers(longer, Collection(longer));
                    sizes = longer;
                }

                if (_r.Next(2) == 0 || d.Activations is null)
                {
                    d.RemoveIfGiven("Activations");
                    d.SetEnum("Activation", 5, EnumText("Activation", 5));
                }
                else
                {
                    int[] hidden = [.. Enumerable.Range(0, sizes.Length - 1).Select(_ => HiddenActivation())];
                    hidden[_r.Next(hidden.Length - 1)] = 5;
                    d.SetActivations(hidden, ActivationsText(hidden));
                }

                return "Softmax on a hidden layer";
            default:
                bool crossEntropy = _r.Next(2) == 0;
                d.SetEnum("Loss", crossEntropy ? 1 : 2, EnumText("Loss", crossEntropy ? 1 : 2));
                int output = crossEntropy ? Pick([0, 1, 2, 3, 4]) : Pick([0, 1, 2, 4, 5]);
                if (d.HasActivations && d.Activations is { Length: > 0 } per)
                {
                    per[^1] = output;
                    d.SetActivations(per, ActivationsText(per));
                }
                else if (_r.Next(3) > 0)
                {
                    d.SetEnum("Output", output, EnumText("Activation", output));
                }
                else
                {
                    d.RemoveIfGiven("Output");
                }

                return "loss without its output activation";
        }
    }

    // ---------------------------------------------------------------- shape problems (the analyzer's)

    private void AddInvalidShape()
    {
        Begin();
        string id = FuzzCase.Tag(_number);
        Declaration d = _r.Next(3) == 0 ? MutatedCopy(Spell(RandomTopology())) : Spell(Pick(_small));
        string a = d.Render(_r);
        (string Name, string[] Ids, string File) shape = _r.Next(10) switch
        {
            0 => ("not partial", ["SNET0002"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic class Net;\n"),
            1 => ("container not partial", ["SNET0002"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\npublic class Outer\n{{\n    /// <summary>Fuzz.</summary>\n    {a}\n    public partial class Net;\n}}\n"),
            2 => ("generic", ["SNET0003"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n/// <typeparam name=\"T\">Anything.</typeparam>\n{a}\npublic partial class Net<T>;\n"),
            3 => ("nested in a generic type", ["SNET0003"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n/// <typeparam name=\"T\">Anything.</typeparam>\npublic partial class Outer<T>\n{{\n    /// <summary>Fuzz.</summary>\n    {a}\n    public partial class Net;\n}}\n"),
            4 => ("generic and not partial", ["SNET0002", "SNET0003"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n/// <typeparam name=\"T\">Anything.</typeparam>\n/// <typeparam name=\"U\">Anything.</typeparam>\n{a}\npublic class Net<T, U> where T : struct;\n"),
            5 => ("static", ["SNET0013"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic static partial class Net;\n"),
            6 => ("abstract", ["SNET0013"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic abstract partial class Net;\n"),
            7 => ("abstract record", ["SNET0013"], $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic abstract partial record Net;\n"),
            8 => ("file-local", ["SNET0020"], $"using StaticNet;\nnamespace Fuzz.{id};\n{a}\nfile partial class Net;\n"),
            _ => ("nested in a file-local type", ["SNET0020"], $"using StaticNet;\nnamespace Fuzz.{id};\nfile partial class Outer\n{{\n    {a}\n    public partial class Net;\n}}\n"),
        };
        Add("invalid shape: " + shape.Name, Verdict.Invalid, [.. shape.Ids, .. d.Violations()], [shape.File]);
    }

    private void AddOldLanguageVersion()
    {
        Begin();
        string id = FuzzCase.Tag(_number);
        bool csharp10 = _r.Next(4) > 0;
        Declaration d = Spell(Pick(_small), allowCollectionExpressions: false);
        string attribute = d.Render(_r);
        bool collection = _r.Next(4) == 0;
        if (collection)
        {
            // A collection expression, which C# 10 and 7.3 do not have: the compiler rejects it.
            d.SetLayers([2, 3], "[2, 3]");
            attribute = d.Render(_r);
        }

        string file = $"using StaticNet;\nnamespace Fuzz.{id}\n{{\n    /// <summary>Fuzz.</summary>\n    {attribute}\n    public partial class Net {{ }}\n}}\n";
        Add($"C# {(csharp10 ? "10" : "7.3")}" + (collection ? " with a collection expression" : string.Empty),
            collection ? Verdict.CompilerRejects : Verdict.Invalid, ["SNET0001"], [file],
            version: csharp10 ? LanguageVersion.CSharp10 : LanguageVersion.CSharp7_3);
    }

    // ---------------------------------------------------------------- declarations the compiler rejects

    private void AddNonClassTarget()
    {
        Begin();
        string id = FuzzCase.Tag(_number);
        Declaration d = Spell(Pick(_small));
        string a = d.Render(_r);
        (string name, string file) = _r.Next(8) switch
        {
            0 => ("struct", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic partial struct Net;\n"),
            1 => ("record struct", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic partial record struct Net;\n"),
            2 => ("interface", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic partial interface INet;\n"),
            3 => ("enum", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic enum Net {{ A }}\n"),
            4 => ("delegate", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic delegate void Net();\n"),
            5 => ("method", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\npublic static partial class Holder\n{{\n    /// <summary>Fuzz.</summary>\n    {a}\n    public static void Net() {{ }}\n}}\n"),
            6 => ("assembly", $"using StaticNet;\n{a.Insert(1, "assembly: ")}\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\npublic partial class Net;\n"),
            _ => ("return value", $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\npublic static partial class Holder\n{{\n    /// <summary>Fuzz.</summary>\n    /// <returns>One.</returns>\n    {a.Insert(1, "return: ")}\n    public static int Net() => 1;\n}}\n"),
        };
        Add("compiler rejects: [Network] on a " + name, Verdict.CompilerRejects, d.Violations(), [file]);
    }

    private void AddDuplicateAttribute()
    {
        Begin();
        string id = FuzzCase.Tag(_number);
        Declaration first = _r.Next(3) == 0 ? MutatedCopy(Spell(RandomTopology())) : Spell(Pick(_small));
        Declaration second = _r.Next(3) == 0 ? MutatedCopy(Spell(RandomTopology())) : Spell(Pick(_small));
        string a = first.Render(_r), b = second.Render(_r);
        (string Name, string[] Files) duplicate = _r.Next(4) switch
        {
            0 => ("two lists", [$"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\n{b}\npublic partial class Net;\n"]),
            1 => ("one list", [$"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a[..^1]}, {b[1..]}\npublic partial class Net;\n"]),
            2 => ("two partial declarations", [$"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic partial class Net;\n", $"using StaticNet;\nnamespace Fuzz.{id};\n{b}\npublic partial class Net;\n"]),
            _ => ("two partial declarations in one file", [$"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{a}\npublic partial class Net;\n{b}\npartial class Net {{ }}\n"]),
        };
        Add("compiler rejects: duplicate attribute, " + duplicate.Name, Verdict.CompilerRejects, [.. first.Violations(), .. second.Violations()], duplicate.Files);
    }

    private void AddWrongType()
    {
        Begin();
        Declaration d = Spell(_r.Next(2) == 0 ? Pick(_small) : RandomTopology());
        (string property, string text, string what) = Pick<(string, string, string)>(
        [
            ("Layers", "\"2, 3\"", "a string for Layers"),
            ("Layers", "3", "an int for Layers"),
            ("Layers", "new[] { 2.0, 3.0 }", "doubles"),
            ("Layers", "new long[] { 2, 3 }", "longs"),
            ("Layers", "[2, 3.5]", "a fraction"),
            ("Layers", "[2u, 3]", "an unsigned size"),
            ("Layers", "new object[] { 2, 3 }", "objects"),
            ("Layers", "new[] { System.Environment.ProcessorCount, 3 }", "a value that is not constant"),
            ("Layers", "[2, \"3\"]", "a string in the sizes"),
            ("Layers", "[1_000_000 * 1_000_000, 2]", "a constant that overflows"),
            ("Layers", "[int.MaxValue + 1, 2]", "int.MaxValue + 1"),
            ("Layers", "new int[2, 2]", "a two-dimensional array"),
            ("Layers", "new int[3] { 2, 3 }", "an array shorter than its declared length"),
            ("Layers", "[2, 3", "an unclosed collection"),
            ("Activation", "1", "an int for an enum"),
            ("Activation", "Loss.CrossEntropy", "another enum"),
            ("Activation", "\"Tanh\"", "a string for an enum"),
            ("Output", "null", "null for an enum"),
            ("Output", "true", "a bool for an enum"),
            ("Activations", "[1, 2]", "ints for activations"),
            ("Activations", "new[] { \"ReLU\" }", "strings for activations"),
            ("Activations", "Activation.ReLU", "one activation for the list"),
            ("Loss", "2.0", "a double for the loss"),
            ("Loss", "Precision.Double", "a precision for the loss"),
            ("Precision", "\"Double\"", "a string for the precision"),
            ("Precision", "(Precision)\"x\"", "a cast of a string"),
            ("Seed", "3", "a property that does not exist"),
            ("LearningRate", "0.1f", "another property that does not exist"),
            ("", "2, 3", "positional arguments"),
            ("", "Layers: [2, 3]", "a named parameter instead of a property"),
            ("Layers", "Layers", "a property of itself"),
        ]);
        if (property.Length == 0)
        {
            d.Verbatim.Add(text);
        }
        else
        {
            if (d.Names.Contains(property))
            {
                d.Remove(property);
            }

            d.Verbatim.Add($"{property} = {text}");
        }

        string id = FuzzCase.Tag(_number);
        string file = $"using StaticNet;\nnamespace Fuzz.{id};\n/// <summary>Fuzz.</summary>\n{d.Render(_r)}\npublic partial class Net;\n";
        Add("compiler rejects: " + what, Verdict.CompilerRejects, d.Violations(), [file]);
    }

    private static readonly string[] Junk =
        [",", "]", "[", ")", "(", "=", ";", "{", "}", "\"", "'", "/*", "#if X\n", "Layers", "class", "partial", "[Network(", "@", "<", ">", "?", "!", "0x", "1e", ".", "::", "=>", "\\", "$\"", "#", "`"];

    private void AddSyntaxError()
    {
        Begin();
        bool valid = _r.Next(2) == 0;
        Declaration d = valid ? Spell(Pick(_small)) : MutatedCopy(Spell(RandomTopology()));
        string text = WithConstants(RenderValid(Pick(ValidShapes.Where(s => s is not (ValidShape.SplitAttributeFirst or ValidShape.SplitAttributeSecond or ValidShape.SplitThreeFiles)).ToArray()), d))[0];
        int start = text.IndexOf('[', StringComparison.Ordinal);
        string mutated = text;
        string name = string.Empty;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            SyntaxTree tree = CSharpSyntaxTree.ParseText(text);
            SyntaxToken[] tokens = tree.GetRoot().DescendantTokens().Where(t => t.SpanStart >= start && t.Span.Length > 0).ToArray();
            SyntaxToken token = tokens[_r.Next(tokens.Length)];
            (name, mutated) = _r.Next(4) switch
            {
                0 => ("cut off", text[..token.SpanStart]),
                1 => ("a token deleted", text.Remove(token.SpanStart, token.Span.Length)),
                2 => ("a token inserted", text.Insert(token.SpanStart, Pick(Junk))),
                _ => ("a token replaced", text.Remove(token.SpanStart, token.Span.Length).Insert(token.SpanStart, Pick(Junk))),
            };
            if (HasSyntaxError(mutated))
            {
                break;
            }
        }

        if (!HasSyntaxError(mutated))
        {
            (name, mutated) = ("an unclosed attribute", text.Insert(start, "[[["));
        }

        // Parser recovery can turn the rest into anything, so any SNET error may follow; the compiler's own error must.
        Add("syntax error: " + name, Verdict.CompilerRejects, [.. Enumerable.Range(1, 30).Select(i => $"SNET{i:D4}")], [mutated]);
    }

    private static bool HasSyntaxError(string text) =>
        CSharpSyntaxTree.ParseText(text).GetDiagnostics().Any(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);

    // ---------------------------------------------------------------- spelling

    private Topology RandomTopology()
    {
        int layers = Pick([1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 7]);
        int[] sizes = [.. Enumerable.Range(0, layers + 1).Select(_ => RandomSize())];
        int loss = _r.Next(3);
        int output = loss switch { 1 => 5, 2 => 3, _ => _r.Next(ActivationNames.Length) };
        int hidden = HiddenActivation();
        int[] activations = [.. Enumerable.Range(0, layers).Select(i => i == layers - 1 ? output : _r.Next(3) == 0 ? HiddenActivation() : hidden)];
        return new Topology(sizes, activations, loss, _r.Next(2));
    }

    /// <summary>An activation a hidden layer may have: any but Softmax.</summary>
    private int HiddenActivation() => Pick(HiddenActivations);

    private int RandomSize() => _r.Next(100) switch
    {
        < 45 => _r.Next(1, 10),
        < 70 => Pick([15, 16, 17, 31, 32, 33]),
        < 85 => Pick([63, 64, 65, 100, 127, 128, 129]),
        < 97 => _r.Next(130, 800),
        _ => Pick([784, 1000, 2048]),
    };

    /// <summary>A declaration of the topology, spelled at random: argument order, defaults written or left out, constants.</summary>
    private Declaration Spell(Topology t, bool allowCollectionExpressions = true)
    {
        var d = new Declaration();
        d.SetLayers(t.Sizes, Collection(t.Sizes, allowCollectionExpressions));
        int layers = t.Activations.Length;
        bool uniform = t.Activations.Take(layers - 1).Distinct().Count() <= 1;
        if (uniform && _r.Next(3) > 0)
        {
            // With one layer the hidden activation is unused, so anything goes, Softmax included.
            int hidden = layers > 1 ? t.Activations[0] : _r.Next(ActivationNames.Length);
            if (hidden != 1 || _r.Next(2) == 0)
            {
                d.SetEnum("Activation", hidden, EnumText("Activation", hidden));
            }

            if (t.Activations[^1] != 0 || _r.Next(2) == 0)
            {
                d.SetEnum("Output", t.Activations[^1], EnumText("Activation", t.Activations[^1]));
            }
        }
        else
        {
            d.SetActivations(t.Activations, ActivationsText(t.Activations, allowCollectionExpressions));
        }

        if (t.Loss != 0 || _r.Next(2) == 0)
        {
            d.SetEnum("Loss", t.Loss, EnumText("Loss", t.Loss));
        }

        if (t.Precision != 0 || _r.Next(2) == 0)
        {
            d.SetEnum("Precision", t.Precision, EnumText("Precision", t.Precision));
        }

        if (!d.HasActivations && _r.Next(12) == 0)
        {
            d.SetActivations(null, "null");
        }

        return d;
    }

    private Declaration MutatedCopy(Declaration d)
    {
        Declaration copy = d.Clone();
        MutateTopology(copy);
        return copy;
    }

    private string Collection(int[] sizes, bool allowCollectionExpressions = true)
    {
        string elements = string.Join(", ", sizes.Select(Int));
        return _r.Next(allowCollectionExpressions ? 4 : 3) switch
        {
            0 => sizes.Length == 0 ? "new int[0]" : $"new[] {{ {elements} }}",
            1 => $"new int[] {{ {elements} }}",
            2 => $"new int[{sizes.Length}] {{ {elements} }}",
            _ => $"[{elements}]",
        };
    }

    private string ActivationsText(int[] activations, bool allowCollectionExpressions = true)
    {
        return _r.Next(allowCollectionExpressions ? 3 : 2) switch
        {
            0 => activations.Length == 0 ? "new Activation[0]" : $"new[] {{ {string.Join(", ", activations.Select(a => EnumText("Activation", a, allowDefault: false)))} }}",
            1 => $"new StaticNet.Activation[] {{ {string.Join(", ", activations.Select(a => EnumText("Activation", a)))} }}",
            _ => $"[{string.Join(", ", activations.Select(a => EnumText("Activation", a)))}]",
        };
    }

    /// <summary>An int constant: a literal, hexadecimal, a sum, a cast, sizeof, or a constant of a class in the file.</summary>
    private string Int(int value)
    {
        switch (_r.Next(10))
        {
            case 0:
                return value >= 0 ? $"0x{value:X}" : $"unchecked((int)0x{unchecked((uint)value):X})";
            case 1:
                string name = $"S{_constants.Count}";
                _constants.Add($"public const int {name} = {Number(value)};");
                return $"K{FuzzCase.Tag(_number)}.{name}";
            case 2:
                return value > 1 || value < -1 ? $"{Number(value / 2)} + {Number(value - (value / 2))}" : Number(value);
            case 3:
                return $"({Number(value)})";
            case 4:
                return value switch { 4 => "sizeof(int)", 8 => "sizeof(double)", 2 => "sizeof(char)", 1 => "sizeof(byte)", _ => Number(value) };
            case 5:
                return $"(int){Number(value)}L";
            default:
                return Number(value);
        }
    }

    private string EnumText(string type, int value, bool allowDefault = true)
    {
        string[] names = type switch { "Loss" => LossNames, "Precision" => PrecisionNames, _ => ActivationNames };
        bool defined = value >= 0 && value < names.Length;
        return _r.Next(6) switch
        {
            0 when defined => $"{type}.{names[value]}",
            1 when defined => $"StaticNet.{type}.{names[value]}",
            2 when defined => $"global::StaticNet.{type}.{names[value]}",
            3 when value == 0 && allowDefault => _r.Next(2) == 0 ? "0" : "default",
            _ when defined && _r.Next(2) == 0 => $"{type}.{names[value]}",
            _ => value < 0 ? $"({type})({Number(value)})" : $"({type}){Number(value)}",
        };
    }

    // ---------------------------------------------------------------- bookkeeping

    private void Begin()
    {
        _number = _cases.Count;
        _constants.Clear();
        _template = null;
        _usesGeneratedMembers = false;
    }

    private void Add(string category, Verdict verdict, IEnumerable<string> allowed, string[] files, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = true, bool heap = false)
    {
        WithConstants(files);
        _cases.Add(new FuzzCase(_number, category, _template ?? category, _usesGeneratedMembers, verdict, allowed.ToHashSet(StringComparer.Ordinal), files, version, allowUnsafe, heap));
    }

    /// <summary>Adds the constants some sizes refer to (K{tag}.S0, ...) to the first file, as a class of their own.</summary>
    private string[] WithConstants(string[] files)
    {
        if (_constants.Count > 0)
        {
            files[0] += $"\n/// <summary>Constants.</summary>\ninternal static class K{FuzzCase.Tag(_number)}\n{{\n    {string.Join("\n    ", _constants)}\n}}\n";
            _constants.Clear();
        }

        return files;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_r.Next(items.Count)];
}
