namespace MedLearn.Methods.Gmic;

/// <summary>Which of GMIC's three outputs a prediction reports as its class probabilities.</summary>
public enum GmicHead
{
    /// <summary>y_fusion = sigmoid(W_f [g; z] + b_f): GMIC's prediction (default).</summary>
    Fusion = 0,

    /// <summary>y_global: the top-t% pooled saliency maps of the global module.</summary>
    Global = 1,

    /// <summary>y_local: the attention-pooled patch features of the local module.</summary>
    Local = 2,
}
