namespace StaticNet.Generator.Model;

// Mirrors of the runtime library's enums (the generator cannot reference it). The numeric values must match
// src/StaticNet/Activation.cs, Loss.cs and Precision.cs.

internal enum ActivationKind
{
    Identity = 0,
    ReLU = 1,
    LeakyReLU = 2,
    Sigmoid = 3,
    Tanh = 4,
    Softmax = 5,
}

internal enum LossKind
{
    MeanSquaredError = 0,
    CrossEntropy = 1,
    BinaryCrossEntropy = 2,
}

internal enum ScalarKind
{
    Single = 0,
    Double = 1,
}
