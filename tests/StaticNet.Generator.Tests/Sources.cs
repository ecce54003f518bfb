namespace StaticNet.Generator.Tests;

/// <summary>Declarations the generator tests share.</summary>
internal static class Sources
{
    public const string XorNet = """
        using StaticNet;

        namespace Samples;

        /// <summary>XOR.</summary>
        [Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
        public partial class XorNet;
        """;

    public const string T2 = """
        using StaticNet;

        namespace Benchmarks;

        /// <summary>The reference topology T2.</summary>
        [Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
        public partial class T2;
        """;

    public const string DoubleBinary = """
        using StaticNet;

        /// <summary>Double precision, binary cross-entropy, in the global namespace.</summary>
        [Network(Layers = [3, 9, 1], Activation = Activation.LeakyReLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
        public partial class DoubleBinary;
        """;

    /// <summary>A sequence network of every layer kind: a causal dilated convolution, a GRU, an LSTM and a dense output.</summary>
    public const string AmpModel = """
        using StaticNet;

        namespace Samples;

        /// <summary>A guitar amplifier model.</summary>
        [Network(Input = 1, Loss = Loss.MeanSquaredError)]
        [Conv1D(4, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
        [Gru(8)]
        [Lstm(8)]
        [Dense(1)]
        public partial class AmpModel;
        """;

    /// <summary>A declaration with an error (a layer of size 0), and user code that calls the members it would have.</summary>
    public const string Invalid = """
        using StaticNet;

        namespace Samples;

        /// <summary>Invalid.</summary>
        [Network(Layers = [4, 0, 3], Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
        public partial class Broken;

        /// <summary>Uses the network.</summary>
        public static class User
        {
            /// <summary>Calls every member.</summary>
            /// <returns>Something.</returns>
            public static float Use()
            {
                var net = new Broken(3);
                float[] x = new float[Broken.InputSize], y = new float[Broken.OutputSize];
                net.Forward(x, y);
                return net.TrainStep(x, 1, 0.1f) + net.Predict(x) + net.Parameters.Length + Broken.ParameterCount;
            }
        }
        """;
}
