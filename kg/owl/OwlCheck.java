// OWL 2 DL profile check (the OWL API's OWL2DLProfile) and HermiT's consistency check of
// one RDF file (an ontology, or an ontology with its data). Run by kg/owl_check.py with
// owlready2's HermiT.jar on the class path, which carries both HermiT and the OWL API:
//   java -cp HermiT.jar OwlCheck.java graph.nt
// Prints one "violation<TAB>kind<TAB>text" line per profile violation, then
// "consistent<TAB>true|false", or "reasoner-error<TAB>message" when HermiT refuses the input.
import java.io.File;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("violation\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
        }
        try {
            System.out.println("consistent\t" + new Reasoner(ontology).isConsistent());
        } catch (RuntimeException e) {
            System.out.println("reasoner-error\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }
}
