namespace MedLearn.Models.Segmentation;

/// <summary>Normalisation after each 3x3x3 convolution of a <see cref="UNet3d"/>.</summary>
public enum UNet3dNorm
{
    /// <summary>BatchNorm3d (affine, running statistics): Çiçek et al.'s choice.</summary>
    Batch,
    /// <summary>InstanceNorm3d with torch.nn's defaults (affine = false, no running statistics): no parameters.</summary>
    Instance,
    /// <summary>No normalisation; the convolutions then have a bias.</summary>
    None,
}
