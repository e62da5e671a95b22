package io.pumptwin.twin.reservoir;

/** The standard normal distribution function, which the reservoir band is made of. */
final class Gaussian {

    private Gaussian() {
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26 via erf; absolute error below 1.5e-7). */
    static double cdf(double x) {
        return 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
