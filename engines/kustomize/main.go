// Command capstan-kustomize builds one kustomization with kustomize's own library (sigs.k8s.io/kustomize/api, the
// engine of the kustomize CLI), confined to one directory: the repository checkout Capstan wrote for a commit.
//
//	capstan-kustomize build <root> <dir>   prints the YAML of the kustomization in <root>/<dir>
//	capstan-kustomize version              prints the kustomize release the engine is
//
// What a kustomization may do is narrower than the CLI's defaults allow a person at a terminal, because the
// repository is untrusted: every file it loads must resolve inside <root> (a "../" base inside the repository is
// fine; a path or link out of it is an error naming it); remote bases and URLs are refused unless the agent allows
// them (CAPSTAN_KUSTOMIZE_REMOTE=allow); exec and container KRM functions and helmCharts are never run. Files may be
// loaded from anywhere inside the root (kustomize's LoadRestrictionsNone, as Flux builds), which the confinement
// makes safe. Errors go to stderr with paths relative to <root>; the exit status is 1.
//
// The last line on stderr, after a build that worked or not, is "capstan-touched:" and a JSON list of every path
// (relative to <root>) the build read, listed or probed: the build depends on nothing else, so Capstan renders the
// unit again only when one of them changed.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Version is the kustomize release whose library this engine is built on (set by the build script).
var Version = "v5.8.2"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println(Version)
		return
	}
	if len(os.Args) != 4 || os.Args[1] != "build" {
		fmt.Fprintln(os.Stderr, "usage: capstan-kustomize build <root> <dir> | version")
		os.Exit(2)
	}
	root, err := filepath.Abs(os.Args[2])
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		fail(root, err)
	}
	if os.Getenv("CAPSTAN_KUSTOMIZE_REMOTE") != "allow" {
		refuseRemote()
	}
	out, err := build(root, os.Args[3])
	if err != nil {
		fail(root, err)
	}
	os.Stdout.Write(out)
	reportTouched()
}

// touched holds every path inside the root the build asked about, relative to it.
var touched = map[string]bool{}

func reportTouched() {
	paths := make([]string, 0, len(touched))
	for path := range touched {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	list, _ := json.Marshal(paths)
	fmt.Fprintf(os.Stderr, "capstan-touched:%s\n", list)
}

func build(root, dir string) ([]byte, error) {
	options := krusty.MakeDefaultOptions()
	// As the CLI without flags (its order, no managed-by label), but files from anywhere inside the root.
	options.Reorder = krusty.ReorderOptionUnspecified
	options.LoadRestrictions = types.LoadRestrictionsNone
	options.PluginConfig = types.DisabledPluginConfig()
	options.PluginConfig.HelmConfig.Enabled = false
	target := filepath.Join(root, filepath.FromSlash(dir))
	fs := confined{root: root, disk: filesys.MakeFsOnDisk()}
	fs.inside(target)
	if !fs.inside(target) {
		return nil, fmt.Errorf("%s is outside the repository", dir)
	}
	resources, err := krusty.MakeKustomizer(options).Run(fs, target)
	if err != nil {
		return nil, err
	}
	return resources.AsYaml()
}

// refuseRemote makes any URL or git base fail with a message saying why: no HTTP transport, no git program.
func refuseRemote() {
	http.DefaultTransport = refused{}
	http.DefaultClient.Transport = refused{}
	os.Setenv("PATH", "")
	os.Setenv("GIT_ALLOW_PROTOCOL", "")
}

type refused struct{}

// remoteURL finds the URL a refused remote resource came from in kustomize's error.
var remoteURL = regexp.MustCompile(`accumulating resources from '([^']+)': Get "[^"]*": remote resource`)

func (refused) RoundTrip(request *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("remote resource %s refused: the agent does not fetch remote bases or URLs "+
		"(vendor it into the repository)", request.URL.Redacted())
}

// fail prints err with the root taken out of every path, naming what was asked for: a helmCharts field, a
// function or plugin get their own line.
func fail(root string, err error) {
	message := strings.ReplaceAll(err.Error(), root+string(filepath.Separator), "")
	message = strings.ReplaceAll(message, root, ".")
	switch {
	case strings.Contains(message, "--enable-helm"):
		message = "helmCharts: Capstan does not inflate Helm charts inside a kustomization; deploy the chart as " +
			"a Helm unit (charts/<name>) instead"
	case strings.Contains(message, "external plugins disabled"):
		message = "KRM functions and exec or container plugins are not run by Capstan (" + message + ")"
	case remoteURL.MatchString(message):
		message = "remote resource " + remoteURL.FindStringSubmatch(message)[1] + " refused: the agent does not " +
			"fetch remote bases, git repositories or URLs (vendor it into the repository)"
	case strings.Contains(message, "no 'git' program on path"):
		message = "remote base refused: the agent does not clone git repositories for a kustomization (vendor " +
			"it into the repository): " + message
	}
	fmt.Fprintln(os.Stderr, message)
	reportTouched()
	os.Exit(1)
}

// confined is the disk, but only inside root: a path that is, or resolves through a link to, anything outside it
// is refused (as missing, for the questions kustomize asks to probe; as an error, for reads).
type confined struct {
	root string
	disk filesys.FileSystem
}

var errOutside = errors.New("outside the repository")

func (c confined) inside(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if rel, err := filepath.Rel(c.root, abs); err == nil && rel != ".." &&
		!strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		touched[filepath.ToSlash(rel)] = true
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	} else if !errors.Is(err, os.ErrNotExist) {
		return false
	}
	return abs == c.root || strings.HasPrefix(abs, c.root+string(filepath.Separator))
}

func (c confined) check(path string) error {
	if !c.inside(path) {
		return fmt.Errorf("%s: %w", path, errOutside)
	}
	return nil
}

func (c confined) Create(path string) (filesys.File, error) {
	return nil, fmt.Errorf("%s: the build writes no files", path)
}

func (c confined) Mkdir(path string) error {
	return fmt.Errorf("%s: the build writes no files", path)
}

func (c confined) MkdirAll(path string) error {
	return fmt.Errorf("%s: the build writes no files", path)
}

func (c confined) RemoveAll(path string) error {
	return fmt.Errorf("%s: the build removes no files", path)
}

func (c confined) WriteFile(path string, _ []byte) error {
	return fmt.Errorf("%s: the build writes no files", path)
}

func (c confined) Open(path string) (filesys.File, error) {
	if err := c.check(path); err != nil {
		return nil, err
	}
	return c.disk.Open(path)
}

func (c confined) IsDir(path string) bool {
	return c.inside(path) && c.disk.IsDir(path)
}

func (c confined) ReadDir(path string) ([]string, error) {
	if err := c.check(path); err != nil {
		return nil, err
	}
	return c.disk.ReadDir(path)
}

func (c confined) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	if err := c.check(path); err != nil {
		return "", "", err
	}
	return c.disk.CleanedAbs(path)
}

func (c confined) Exists(path string) bool {
	return c.inside(path) && c.disk.Exists(path)
}

func (c confined) Glob(pattern string) ([]string, error) {
	c.inside(filepath.Dir(pattern))
	matches, err := c.disk.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, match := range matches {
		if c.inside(match) {
			kept = append(kept, match)
		}
	}
	return kept, nil
}

func (c confined) ReadFile(path string) ([]byte, error) {
	if err := c.check(path); err != nil {
		return nil, err
	}
	return c.disk.ReadFile(path)
}

func (c confined) Walk(path string, walkFn filepath.WalkFunc) error {
	if err := c.check(path); err != nil {
		return err
	}
	return c.disk.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err == nil && !c.inside(p) {
			return walkFn(p, info, fmt.Errorf("%s: %w", p, errOutside))
		}
		return walkFn(p, info, err)
	})
}
