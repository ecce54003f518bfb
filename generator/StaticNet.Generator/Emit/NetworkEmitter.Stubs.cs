using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>The members of a network whose declaration has errors: the same signatures, each throwing.</summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>Members with the same signatures that throw, so that an invalid declaration shows one SNET error, not a cascade of missing members.</summary>
    private void WriteStubMembers()
    {
        string fail = $"throw {N("GeneratedCodeHelpers")}.InvalidDeclaration(\"{_plan.Type.FullName}\")";
        const string Doc = "/// <summary>Not generated: the [Network] declaration has errors (see the SNET diagnostics).</summary>";
        _w.WriteLines($$"""
            {{Doc}}
            public const int InputSize = 0;

            {{Doc}}
            public const int OutputSize = 0;

            {{Doc}}
            public const int ParameterCount = 0;

            {{Doc}}
            public const int DefaultSeed = 42;

            {{Doc}}
            public {{_name}}()
                : this(DefaultSeed)
            {
            }

            {{Doc}}
            /// <param name="seed">Unused.</param>
            public {{_name}}(int seed) =>
                {{fail}};

            {{Doc}}
            public static {{N("ReadOnlySpan")}}<int> LayerSizes => {{fail}};

            {{Doc}}
            public static {{N("NetworkTopology")}} Topology => {{fail}};

            {{Doc}}
            public {{N("Span")}}<{{T}}> Parameters => {{fail}};

            {{Doc}}
            /// <param name="seed">Unused.</param>
            /// <returns>Nothing.</returns>
            public static {{_name}} Create(int seed) => new {{_name}}(seed);

            static int {{N("INetwork")}}<{{_name}}, {{T}}>.InputSize => InputSize;

            static int {{N("INetwork")}}<{{_name}}, {{T}}>.OutputSize => OutputSize;

            static int {{N("INetwork")}}<{{_name}}, {{T}}>.ParameterCount => ParameterCount;

            {{Doc}}
            /// <param name="input">Unused.</param>
            /// <param name="output">Unused.</param>
            public void Forward({{N("ReadOnlySpan")}}<{{T}}> input, {{N("Span")}}<{{T}}> output) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="outputs">Unused.</param>
            public void ForwardBatch({{N("ReadOnlySpan")}}<{{T}}> inputs, {{N("Span")}}<{{T}}> outputs) =>
                {{fail}};

            {{Doc}}
            /// <param name="input">Unused.</param>
            /// <param name="target">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} ComputeLoss({{N("ReadOnlySpan")}}<{{T}}> input, {{N("ReadOnlySpan")}}<{{T}}> target) =>
                {{fail}};

            {{Doc}}
            /// <param name="input">Unused.</param>
            /// <param name="target">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} Backward({{N("ReadOnlySpan")}}<{{T}}> input, {{N("ReadOnlySpan")}}<{{T}}> target, {{N("Span")}}<{{T}}> gradients) =>
                {{fail}};

            {{Doc}}
            /// <param name="input">Unused.</param>
            /// <param name="target">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <param name="inputGradient">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} Backward({{N("ReadOnlySpan")}}<{{T}}> input, {{N("ReadOnlySpan")}}<{{T}}> target, {{N("Span")}}<{{T}}> gradients, {{N("Span")}}<{{T}}> inputGradient) =>
                {{fail}};

            {{Doc}}
            /// <param name="input">Unused.</param>
            /// <param name="target">Unused.</param>
            /// <param name="learningRate">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} TrainStep({{N("ReadOnlySpan")}}<{{T}}> input, {{N("ReadOnlySpan")}}<{{T}}> target, {{T}} learningRate) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} BackwardBatch({{N("ReadOnlySpan")}}<{{T}}> inputs, {{N("ReadOnlySpan")}}<{{T}}> targets, {{N("Span")}}<{{T}}> gradients) =>
                {{fail}};
            """);

        if (IsClassifier)
        {
            _w.WriteLines($$"""

                {{Doc}}
                /// <param name="input">Unused.</param>
                /// <returns>Nothing.</returns>
                public int Predict({{N("ReadOnlySpan")}}<{{T}}> input) =>
                {{fail}};

                {{Doc}}
                /// <param name="input">Unused.</param>
                /// <param name="label">Unused.</param>
                /// <returns>Nothing.</returns>
                public {{T}} ComputeLoss({{N("ReadOnlySpan")}}<{{T}}> input, int label) =>
                {{fail}};

                {{Doc}}
                /// <param name="input">Unused.</param>
                /// <param name="label">Unused.</param>
                /// <param name="gradients">Unused.</param>
                /// <returns>Nothing.</returns>
                public {{T}} Backward({{N("ReadOnlySpan")}}<{{T}}> input, int label, {{N("Span")}}<{{T}}> gradients) =>
                {{fail}};

                {{Doc}}
                /// <param name="input">Unused.</param>
                /// <param name="label">Unused.</param>
                /// <param name="learningRate">Unused.</param>
                /// <returns>Nothing.</returns>
                public {{T}} TrainStep({{N("ReadOnlySpan")}}<{{T}}> input, int label, {{T}} learningRate) =>
                {{fail}};

                {{Doc}}
                /// <param name="inputs">Unused.</param>
                /// <param name="labels">Unused.</param>
                /// <param name="gradients">Unused.</param>
                /// <returns>Nothing.</returns>
                public {{T}} BackwardBatch({{N("ReadOnlySpan")}}<{{T}}> inputs, {{N("ReadOnlySpan")}}<int> labels, {{N("Span")}}<{{T}}> gradients) =>
                {{fail}};
                """);
        }

        string predict = IsClassifier
            ? "\n\n" + $$"""
                    {{Doc}}
                    /// <param name="input">Unused.</param>
                    /// <returns>Nothing.</returns>
                    public int Predict({{N("ReadOnlySpan")}}<{{T}}> input) =>
                        {{fail}};
                """
            : string.Empty;
        _w.WriteLines($$"""

            {{Doc}}
            /// <returns>Nothing.</returns>
            public Frozen Freeze() =>
                {{fail}};

            {{N("IFrozenNetwork")}}<{{T}}> {{N("INetwork")}}<{{T}}>.Freeze() => Freeze();

            {{Doc}}
            public sealed class Frozen : {{N("IFrozenNetwork")}}<{{T}}>
            {
                private Frozen()
                {
                }

                {{Doc}}
                /// <param name="input">Unused.</param>
                /// <param name="output">Unused.</param>
                public void Forward({{N("ReadOnlySpan")}}<{{T}}> input, {{N("Span")}}<{{T}}> output) =>
                    {{fail}};

                {{Doc}}
                /// <param name="inputs">Unused.</param>
                /// <param name="outputs">Unused.</param>
                public void ForwardBatch({{N("ReadOnlySpan")}}<{{T}}> inputs, {{N("Span")}}<{{T}}> outputs) =>
                    {{fail}};{{predict}}
            }
            """);
    }
    /// <summary>The members of an invalid sequence network (declared with a Conv1D, GRU or LSTM layer): those of <c>ISequenceNetwork</c>, each throwing.</summary>
    private void WriteSequenceStubMembers()
    {
        string fail = $"throw {N("GeneratedCodeHelpers")}.InvalidDeclaration(\"{_plan.Type.FullName}\")";
        string span = $"{N("Span")}<{T}>", readOnly = $"{N("ReadOnlySpan")}<{T}>", network = $"{N("ISequenceNetwork")}<{_name}, {T}>";
        const string Doc = "/// <summary>Not generated: the [Network] declaration has errors (see the SNET diagnostics).</summary>";
        _w.WriteLines($$"""
            {{Doc}}
            public const int InputSize = 0;

            {{Doc}}
            public const int OutputSize = 0;

            {{Doc}}
            public const int ParameterCount = 0;

            {{Doc}}
            public const int StateSize = 0;

            {{Doc}}
            public const int DefaultSeed = 42;

            {{Doc}}
            public {{_name}}()
                : this(DefaultSeed)
            {
            }

            {{Doc}}
            /// <param name="seed">Unused.</param>
            public {{_name}}(int seed) =>
                {{fail}};

            {{Doc}}
            public static {{N("NetworkTopology")}} Topology => {{fail}};

            {{Doc}}
            public {{span}} Parameters => {{fail}};

            {{Doc}}
            /// <param name="seed">Unused.</param>
            /// <returns>Nothing.</returns>
            public static {{_name}} Create(int seed) => new {{_name}}(seed);

            static int {{network}}.InputSize => InputSize;

            static int {{network}}.OutputSize => OutputSize;

            static int {{network}}.ParameterCount => ParameterCount;

            static int {{network}}.StateSize => StateSize;

            {{Doc}}
            /// <param name="state">Unused.</param>
            /// <param name="input">Unused.</param>
            /// <param name="output">Unused.</param>
            public void Step({{span}} state, {{readOnly}} input, {{span}} output) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="outputs">Unused.</param>
            public void Forward({{readOnly}} inputs, {{span}} outputs) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="outputs">Unused.</param>
            /// <param name="sequenceLength">Unused.</param>
            public void ForwardBatch({{readOnly}} inputs, {{span}} outputs, int sequenceLength) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} ComputeLoss({{readOnly}} inputs, {{readOnly}} targets) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} Backward({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <param name="inputGradients">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} Backward({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients, {{span}} inputGradients) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <param name="learningRate">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} TrainStep({{readOnly}} inputs, {{readOnly}} targets, {{T}} learningRate) =>
                {{fail}};

            {{Doc}}
            /// <param name="inputs">Unused.</param>
            /// <param name="targets">Unused.</param>
            /// <param name="gradients">Unused.</param>
            /// <param name="sequenceLength">Unused.</param>
            /// <returns>Nothing.</returns>
            public {{T}} BackwardBatch({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients, int sequenceLength) =>
                {{fail}};

            {{Doc}}
            /// <returns>Nothing.</returns>
            public Frozen Freeze() =>
                {{fail}};

            {{N("IFrozenSequenceNetwork")}}<{{T}}> {{N("ISequenceNetwork")}}<{{T}}>.Freeze() => Freeze();

            {{Doc}}
            public sealed class Frozen : {{N("IFrozenSequenceNetwork")}}<{{T}}>
            {
                private Frozen()
                {
                }

                {{Doc}}
                /// <param name="state">Unused.</param>
                /// <param name="input">Unused.</param>
                /// <param name="output">Unused.</param>
                public void Step({{span}} state, {{readOnly}} input, {{span}} output) =>
                    {{fail}};

                {{Doc}}
                /// <param name="inputs">Unused.</param>
                /// <param name="outputs">Unused.</param>
                public void Forward({{readOnly}} inputs, {{span}} outputs) =>
                    {{fail}};

                {{Doc}}
                /// <param name="inputs">Unused.</param>
                /// <param name="outputs">Unused.</param>
                /// <param name="sequenceLength">Unused.</param>
                public void ForwardBatch({{readOnly}} inputs, {{span}} outputs, int sequenceLength) =>
                    {{fail}};
            }
            """);
    }
}
