namespace MedLearn.Explain;

/// <summary>How <see cref="GradCam"/> weights the channels of the chosen layer.</summary>
public enum CamMethod
{
    /// <summary>Grad-CAM (Selvaraju et al. 2017): α_k = mean over positions of ∂y^c/∂A^k.</summary>
    GradCam,

    /// <summary>
    /// Grad-CAM++ (Chattopadhay et al. 2018): α_k = Σ_ij a_ij^k · ReLU(∂y^c/∂A^k_ij) with
    /// a_ij^k = g² / (2g² + Σ_ab A^k_ab · g³), g = ∂y^c/∂A^k_ij (the exponential-score closed form).
    /// </summary>
    GradCamPlusPlus,
}
