namespace MedLearn;
