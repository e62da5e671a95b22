package io.pumptwin.simulator.scenario;

/** A scenario that cannot drive a simulation, naming the field and the rule it breaks. */
public final class InvalidScenarioException extends RuntimeException {
    private final String scenario;
    private final String field;

    public InvalidScenarioException(String scenario, String field, String rule) {
        super("scenario=" + scenario + " field=" + field + " " + rule);
        this.scenario = scenario;
        this.field = field;
    }

    public InvalidScenarioException(String scenario, String field, String rule, Throwable cause) {
        super("scenario=" + scenario + " field=" + field + " " + rule, cause);
        this.scenario = scenario;
        this.field = field;
    }

    public String scenario() {
        return scenario;
    }

    public String field() {
        return field;
    }
}
