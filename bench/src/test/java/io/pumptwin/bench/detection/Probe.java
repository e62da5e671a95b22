package io.pumptwin.bench.detection;
public class Probe {
    public static void main(String[] a) {
        var r = DetectionEvaluation.withDefaults().run(a[0], Integer.parseInt(a[1]), (Double.parseDouble(a[2]) > 0 ? Double.valueOf(a[2]) : null), Long.parseLong(a[3]));
        System.out.println(r.telemetryRecords() + " records in " + r.seconds() + " s");
        System.out.println(r.calibration().refillCoverage() + " " + r.calibration().refillsChecked() + " cold " + r.calibration().coldStartChecked()+"/"+r.calibration().coldStartInside() + " status " + r.calibration().statusCoverage() + " " + r.calibration().statusPointsChecked());
        r.calibration().misses().stream().limit(20).forEach(System.out::println);
        r.faults().forEach(System.out::println);
        r.conditions().forEach((k,v) -> { long n=v.stream().filter(o->o.counted()).count(); long f=v.stream().filter(o->o.flagged()).count(); System.out.println(k+" "+f+"/"+n + " " + v.stream().filter(o->!o.flagged()).limit(5).toList()); });
        System.out.println(r.openedAlerts());
        r.falseAlerts().forEach((k,v)-> {System.out.println(k+" false "+v.size()); v.stream().limit(8).forEach(x->System.out.println("   "+x));});
        r.refillCycles().stream().filter(c->c.emptyAt()!=null).forEach(System.out::println);
        System.out.println("pump-months " + r.pumpMonths());
    }
}
