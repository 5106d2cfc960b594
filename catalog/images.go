package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/fetch"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/media"
)

// Images given by URL.
//
// A listing's images are normally uploaded first and named by media key.
// An import names them by URL instead (a Shopify CSV's Image Src), and
// fetching them is slow and can fail, so it does not happen in the write:
// the images already in the media store go on the product at once, and a
// fetch-images job, enqueued in the same transaction, brings in the rest
// and sets the product's images in the listing's order.
//
// Each image keeps the URL it came from (Image.Source). An image given by
// a URL the product already holds an image from is that image, so
// importing the same file again fetches nothing. The job stores an image
// under a key made from the shop and the URL's hash, and looks there
// before fetching, so a retried or repeated job fetches each URL once.
//
// The job works on the version of the product that enqueued it: if the
// product has been written since, that write decided its images, and the
// job does nothing. An image whose URL fails for good (refused, gone, not
// an image) is left out with a warning in the log; one that fails for now
// (timeout, server error) makes the job retry later with back-off, after
// setting the images it did get.

// FetchImagesJob is the kind of the background job that fetches a
// listing's images given by URL into the media store.
const FetchImagesJob = "catalog.fetch_images"

// fetchParallel is how many images of a listing are fetched at once. With
// the fetcher's 15 s timeout, a listing's MaxImages images take at most
// 45 s, inside the job runner's one-minute lease.
const fetchParallel = 4

// maxSourceURL is the longest image URL kept.
const maxSourceURL = 2048

// ImageImport is what fetching images given by URL needs: the media store
// to keep them in and a fetcher that only reaches the public internet.
type ImageImport struct {
	Media   media.Store
	Fetcher *fetch.Fetcher
	// Log receives the images left out; nil is slog's default logger.
	Log *slog.Logger
}

type fetchPayload struct {
	ProductID string `json:"product_id"`
	// Version is the updated_at of the product's write that enqueued the
	// job.
	Version time.Time `json:"version"`
	// Images are the listing's images, in order: each has a media key, or
	// a URL to fetch it from, or both.
	Images []fetchImage `json:"images"`
}

type fetchImage struct {
	URL      string `json:"url,omitempty"`
	MediaKey string `json:"media_key,omitempty"`
	Alt      string `json:"alt,omitempty"`
}

// checkSourceURL checks the URL an image is to be fetched from.
func checkSourceURL(field, s string) error {
	u, err := url.Parse(s)
	switch {
	case len(s) > maxSourceURL:
		return loopshop.Invalid(field, "the image URL is %d characters long; the limit is %d", len(s), maxSourceURL)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return loopshop.Invalid(field, "%q is not a web address: give the image's full http:// or https:// URL", s)
	}
	return nil
}

// placeImages sets p's images from a listing's: those with a media key,
// or given by a URL that one of the product's old images came from, go on
// the product now, numbered from 1. If any is given by URL alone, it
// returns the job that fetches it and sets all of them in order.
func placeImages(p *Product, in []NewImage, old []Image) (*jobs.Job, error) {
	bySource, byKey := map[string]Image{}, map[string]Image{}
	for _, im := range old {
		if im.Source != "" {
			bySource[im.Source] = im
		}
		byKey[im.MediaKey] = im
	}
	p.Images, p.ImageKey = nil, ""
	var want []fetchImage
	fetching := false
	for _, im := range in {
		key, src, alt := im.MediaKey, im.SourceURL, strings.TrimSpace(im.Alt)
		if key == "" {
			key = bySource[src].MediaKey
		}
		if src == "" {
			src = byKey[key].Source // an edit that names the image by key keeps where it came from
		}
		want = append(want, fetchImage{URL: src, MediaKey: key, Alt: alt})
		if key == "" {
			fetching = true
			continue
		}
		p.Images = append(p.Images, Image{Position: len(p.Images) + 1, MediaKey: key, Alt: alt, Source: src})
	}
	if len(p.Images) > 0 {
		p.ImageKey = p.Images[0].MediaKey
	}
	if !fetching {
		return nil, nil
	}
	return jobs.New(FetchImagesJob, p.Market, fetchPayload{ProductID: p.ID, Version: p.UpdatedAt, Images: want}, time.Time{},
		fmt.Sprintf("%s:%s:%d", FetchImagesJob, p.ID, p.UpdatedAt.UnixMicro()))
}

func (s *Service) handleFetchImages(ctx context.Context, j *jobs.Job) error {
	var in fetchPayload
	if err := j.Decode(&in); err != nil || in.ProductID == "" {
		return jobs.Permanent(fmt.Errorf("fetch images job %s: bad payload %s", j.ID, j.Payload))
	}
	return s.fetchImages(ctx, in.ProductID, in.Version, in.Images)
}

// fetchImages fetches the images of a product's version given by URL,
// keeps those it can get and sets them as the product's images, in order.
// It does nothing if the product is gone or has been written since.
func (s *Service) fetchImages(ctx context.Context, productID string, version time.Time, images []fetchImage) error {
	p, err := s.store.Product(ctx, productID)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("fetch images of %s: %w", productID, err)
	}
	if !p.UpdatedAt.Equal(version) {
		return nil
	}
	keys := make([]string, len(images))
	errs := make([]error, len(images))
	var wg sync.WaitGroup
	slots := make(chan struct{}, fetchParallel)
	for i, im := range images {
		if im.MediaKey != "" {
			keys[i] = im.MediaKey
			continue
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			keys[i], errs[i] = s.importImage(ctx, p.ShopID, im.URL)
		})
	}
	wg.Wait()
	var got []Image
	var retry []error
	for i, im := range images {
		switch {
		case errs[i] == nil:
			got = append(got, Image{Position: len(got) + 1, MediaKey: keys[i], Alt: im.Alt, Source: im.URL})
		case fetch.Permanent(errs[i]):
			s.images.Log.WarnContext(ctx, "catalog: image left out of listing", slog.String("product", p.ID),
				slog.String("url", im.URL), slog.String("error", errs[i].Error()))
		default:
			retry = append(retry, errs[i])
		}
	}
	// Set what there is even when some must be tried again: the seller
	// sees those images meanwhile, and the retry sets them all.
	err = s.store.SetImages(ctx, p.ID, got, version)
	if errors.Is(err, ErrChanged) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("fetch images of %s: %w", p.ID, err)
	}
	if len(retry) > 0 {
		return fmt.Errorf("fetch images of %s: %w", p.ID, errors.Join(retry...))
	}
	return nil
}

// importImage stores the image at rawURL in the shop's media, unless a
// fetch has stored it already, and returns its key.
func (s *Service) importImage(ctx context.Context, shopID, rawURL string) (string, error) {
	base := importKey(shopID, rawURL)
	for _, ct := range media.Images() {
		f, _, err := s.images.Media.Open(ctx, base+media.Ext(ct))
		if err == nil {
			_ = f.Close()
			return base + media.Ext(ct), nil
		}
		if !errors.Is(err, loopshop.ErrNotFound) {
			return "", err
		}
	}
	im, err := s.images.Fetcher.Image(ctx, rawURL)
	if err != nil {
		return "", err
	}
	key := base + media.Ext(im.ContentType)
	if err := s.images.Media.Put(ctx, key, im.ContentType, bytes.NewReader(im.Data)); err != nil {
		return "", err
	}
	return key, nil
}

// importKey is the media key, less its extension, of the image a shop
// imported from rawURL. It is the shop's, as uploads are, so that no shop
// shares an object with another.
func importKey(shopID, rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return "shops/" + shopID + "/url-" + hex.EncodeToString(sum[:16])
}
