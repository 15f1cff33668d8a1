// Package docs holds the project's documents; its test keeps the Kubernetes
// manifests valid against the real API types.
package docs

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// decodeStrict decodes each YAML document of a manifest into its k8s.io/api
// type, rejecting unknown fields and unknown kinds.
func decodeStrict(data []byte) ([]any, error) {
	var out []any
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		var head struct{ APIVersion, Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("document %d: %v", i+1, err)
		}
		var obj any
		switch head.APIVersion + " " + head.Kind {
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 ConfigMap":
			obj = &corev1.ConfigMap{}
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		default:
			return nil, fmt.Errorf("document %d: unexpected %s %s", i+1, head.APIVersion, head.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %v", i+1, head.Kind, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

func TestAuditJobManifest(t *testing.T) {
	data, err := os.ReadFile("k8s/audit-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeStrict(data)
	if err != nil {
		t.Fatal(err)
	}
	var job *batchv1.Job
	var cm *corev1.ConfigMap
	var pvc *corev1.PersistentVolumeClaim
	for _, o := range objs {
		switch v := o.(type) {
		case *batchv1.Job:
			job = v
		case *corev1.ConfigMap:
			cm = v
		case *corev1.PersistentVolumeClaim:
			pvc = v
		}
	}
	if job == nil || cm == nil || pvc == nil {
		t.Fatalf("want a Job, a ConfigMap and a PVC; got %d objects", len(objs))
	}
	s := job.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Fatal("completionMode is not Indexed")
	}
	if s.Completions == nil || s.Parallelism == nil || *s.Parallelism > *s.Completions {
		t.Fatal("completions/parallelism unset or parallelism above completions")
	}
	if p := s.Template.Spec.RestartPolicy; p != corev1.RestartPolicyNever && p != corev1.RestartPolicyOnFailure {
		t.Errorf("restartPolicy %q not allowed for a Job", p)
	}
	c := s.Template.Spec.Containers[0]
	args := strings.Join(c.Args, " ")
	m := regexp.MustCompile(`--shard=\$\(JOB_COMPLETION_INDEX\)/(\d+)`).FindStringSubmatch(args)
	if m == nil || m[1] != fmt.Sprint(*s.Completions) {
		t.Errorf("args %q: want --shard=$(JOB_COMPLETION_INDEX)/%d", args, *s.Completions)
	}
	var indexEnv bool
	for _, e := range c.Env {
		if e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			indexEnv = true
		}
	}
	if !indexEnv {
		t.Error("JOB_COMPLETION_INDEX not taken from the completion-index annotation")
	}
	mounts := map[string]string{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.Name] = vm.MountPath
	}
	vols := map[string]corev1.Volume{}
	for _, v := range s.Template.Spec.Volumes {
		vols[v.Name] = v
	}
	for name, path := range mounts {
		if _, ok := vols[name]; !ok {
			t.Errorf("mount %s (%s) has no volume", name, path)
		}
	}
	if !strings.Contains(args, "--out="+mounts["reports"]) || vols["reports"].PersistentVolumeClaim == nil || vols["reports"].PersistentVolumeClaim.ClaimName != pvc.Name {
		t.Errorf("reports are not written to the shared claim %s", pvc.Name)
	}
	if !strings.Contains(args, "--urls="+mounts["urls"]+"/urls.txt") || vols["urls"].ConfigMap == nil || vols["urls"].ConfigMap.Name != cm.Name || cm.Data["urls.txt"] == "" {
		t.Errorf("the URL list is not the ConfigMap %s", cm.Name)
	}
}

// TestStrictDecodeRejects: the strict decoder catches a misspelt field, so
// TestAuditJobManifest cannot pass on a manifest Kubernetes would reject.
func TestStrictDecodeRejects(t *testing.T) {
	for _, bad := range []string{
		"apiVersion: batch/v1\nkind: Job\nspec:\n  completionMode: Indexed\n  completion: 4\n",
		"apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          imagee: x\n",
		"apiVersion: v2\nkind: Job\n",
	} {
		if _, err := decodeStrict([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
